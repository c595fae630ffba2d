-- The cache of one signed-in profile: what the platform told us, for reading offline.
-- Timestamps are RFC 3339 UTC text ("2026-11-29T15:40:00Z") so that text order is time order.

-- The environment this profile belongs to (one row).
CREATE TABLE environment (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT NOT NULL,              -- production | acceptance | custom | sandbox
    api_base      TEXT NOT NULL,
    identity_base TEXT NOT NULL,
    username      TEXT NOT NULL,
    display_name  TEXT,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL
);

-- Organisations the user may act for, with the user's own five permissions.
CREATE TABLE parties (
    id                 TEXT PRIMARY KEY,      -- normalised party id, e.g. 0106:12345678
    name               TEXT NOT NULL,
    kvk                TEXT,                  -- 8 digits when the id is a KvK number
    can_send           INTEGER NOT NULL DEFAULT 0,
    can_receive        INTEGER NOT NULL DEFAULT 0,
    can_remove         INTEGER NOT NULL DEFAULT 0,
    can_manage_hook    INTEGER NOT NULL DEFAULT 0,
    can_change_status  INTEGER NOT NULL DEFAULT 0,
    -- Peppol receive state: on | off | inherited_on | inherited_off | not_registered;
    -- NULL while unknown (not fetched yet, or not allowed to read it).
    receive_state      TEXT,
    position           INTEGER NOT NULL DEFAULT 0,   -- the platform's order
    updated_at         TEXT NOT NULL
);

-- Users of the environment (administrators only see them).
CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    updated_at TEXT NOT NULL
);

-- Which organisations each user may act for, with the five permissions.
CREATE TABLE user_party_permissions (
    user_name          TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    party_id           TEXT NOT NULL,
    party_name         TEXT NOT NULL DEFAULT '',
    can_send           INTEGER NOT NULL DEFAULT 0,
    can_receive        INTEGER NOT NULL DEFAULT 0,
    can_remove         INTEGER NOT NULL DEFAULT 0,
    can_manage_hook    INTEGER NOT NULL DEFAULT 0,
    can_change_status  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_name, party_id)
);
CREATE INDEX user_party_permissions_party ON user_party_permissions(party_id);

-- Sent and received documents. `seq` is the integer key full-text search needs.
CREATE TABLE documents (
    seq                INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL UNIQUE,  -- the platform's document id
    party_id           TEXT NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
    direction          TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    channel            TEXT NOT NULL,         -- idr | email | econnect | peppol | other
    status             TEXT NOT NULL,         -- current status name (Pending, …)
    counterparty_id    TEXT,
    counterparty_name  TEXT,
    invoice_number     TEXT,
    issue_date         TEXT,
    amount             TEXT,                  -- decimal text as the platform sent it
    amount_cents       INTEGER,               -- the same, for sorting
    currency           TEXT,
    file_name          TEXT,
    sha256             TEXT,                  -- content hash, when the file is on this disk
    created_at         TEXT NOT NULL,         -- received on (received) / created on (sent)
    first_seen_at      TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    -- The sync round that last saw this document in the platform's list; rows an
    -- ended round did not see are gone from the platform and are deleted.
    sync_generation    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_party_dir_generation ON documents(party_id, direction, sync_generation);

-- Each document's status history, oldest first.
CREATE TABLE document_status_history (
    id           INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE ON UPDATE CASCADE,
    status       TEXT NOT NULL,
    description  TEXT,
    occurred_at  TEXT,
    -- platform: from the document's status call; observed: seen in a list by the sync.
    source       TEXT NOT NULL CHECK (source IN ('platform', 'observed'))
);
CREATE INDEX document_status_history_document ON document_status_history(document_id, id);

-- Where each paged list stands, so a sync resumes after a crash or restart.
CREATE TABLE sync_cursors (
    resource             TEXT NOT NULL,      -- e.g. purchase_invoices, sales_invoices
    party_id             TEXT NOT NULL DEFAULT '',
    generation           INTEGER NOT NULL DEFAULT 0,  -- the round in progress (or last ended)
    continuation_token   TEXT,               -- next page of the round in progress
    pages_done           INTEGER NOT NULL DEFAULT 0,
    in_progress          INTEGER NOT NULL DEFAULT 0,
    completed_at         TEXT,
    updated_at           TEXT NOT NULL,
    PRIMARY KEY (resource, party_id)
);

-- The change feed: every writer appends here in its own transaction; the engine reads
-- what is new and sends one batched event to the UI. AUTOINCREMENT: ids never go back,
-- also after old rows are pruned.
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,               -- environment | parties | users | documents | history | sync
    party_id    TEXT,
    entity_ids  TEXT NOT NULL DEFAULT '[]',  -- JSON array of ids (may be empty: "all of kind")
    at          TEXT NOT NULL
);
