-- Receiving by hook (issue 14): every webhook event, stored before the receiver answers
-- 200, once per event however often it is delivered, and processed in order of arrival.
-- No secrets here: the hook's secret lives in the keyring (or a file only the user reads).
CREATE TABLE hook_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,  -- order of arrival
    event_key     TEXT NOT NULL UNIQUE,               -- SHA-256 of hookId, topic, documentId, createdOn
    topic         TEXT NOT NULL,
    party_id      TEXT,
    hook_id       TEXT,
    document_id   TEXT,
    created_on    TEXT,                               -- as the platform wrote it
    created_ms    INTEGER,                            -- the same in Unix ms (ordering), when readable
    body          TEXT NOT NULL,                      -- the JSON as delivered (first delivery)
    deliveries    INTEGER NOT NULL DEFAULT 1,
    received_at   TEXT NOT NULL,
    processed_at  TEXT,                               -- NULL: still to do
    outcome       TEXT                                -- what processing did, for people
);
CREATE INDEX hook_events_pending ON hook_events (seq) WHERE processed_at IS NULL;
CREATE INDEX hook_events_document ON hook_events (document_id, created_ms);

-- The hooks this installation registered (scope '' = the environment's), so it updates its
-- own and never touches anyone else's. The public URL only: the action's #secret is not kept.
CREATE TABLE own_hooks (
    scope          TEXT PRIMARY KEY,
    hook_id        TEXT NOT NULL,
    name           TEXT NOT NULL,
    public_url     TEXT NOT NULL,
    registered_at  TEXT NOT NULL
);
