-- Intake (issue 5): the ledger of every file taken, the outbox that sends them exactly
-- once, and the watched folders. Owned by crates/econnect-intake; no foreign key to
-- `parties`, so a folder can be bound before the first sync.

-- One row per file taken for an organisation; the content hash finds duplicates.
CREATE TABLE intake_ledger (
    id          TEXT PRIMARY KEY,            -- = intake_outbox.id = X-EConnect-DocumentId
    party_id    TEXT NOT NULL,               -- normalised, e.g. 0106:12345678
    sha256      TEXT NOT NULL,               -- lower-case hex of the content
    file_name   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    forced      INTEGER NOT NULL DEFAULT 0,  -- "toch verzenden": sent although a duplicate
    created_at  TEXT NOT NULL
);
CREATE INDEX intake_ledger_party_hash ON intake_ledger (party_id, sha256);

-- What is to be sent, and how far it got. State: queued | sending | sent | refused | dead | removed.
CREATE TABLE intake_outbox (
    id               TEXT PRIMARY KEY REFERENCES intake_ledger (id),
    party_id         TEXT NOT NULL,
    direction        TEXT NOT NULL,          -- purchase | sales
    route            TEXT,                   -- purchaseRecognize | salesRecognize | salesSend; NULL when refused locally
    path             TEXT NOT NULL,          -- where the file is now
    original_path    TEXT NOT NULL,          -- where it was taken from
    file_name        TEXT NOT NULL,
    mime             TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    size             INTEGER NOT NULL,
    e_invoice        INTEGER NOT NULL DEFAULT 0,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms  INTEGER NOT NULL DEFAULT 0,  -- unix ms; rows wait until then
    last_error       TEXT,
    refusal_code     TEXT,
    refusal_message  TEXT,
    document_id      TEXT,                   -- the platform's id once accepted
    done_dir         TEXT,                   -- folder holding Verwerkt/ and Mislukt/; NULL: never move
    moved            INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    sent_at          TEXT
);
-- The claim's order (next_attempt_ms, created_at) comes straight from this index: no sort
-- of thousands of queued rows per claim.
CREATE INDEX intake_outbox_due ON intake_outbox (state, next_attempt_ms, created_at);
CREATE INDEX intake_outbox_party ON intake_outbox (party_id, created_at);

-- Watched folders: a root with one subfolder per organisation, or a folder bound to one.
-- Subfolders carry a marker file with the party id, so renaming them keeps the binding.
CREATE TABLE intake_folders (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    layout      TEXT NOT NULL,               -- root | single
    party_id    TEXT,                        -- single: the organisation; root: NULL
    direction   TEXT NOT NULL,               -- purchase | sales
    created_at  TEXT NOT NULL
);
