-- Status tracking and receiving (issue 8). Owned by crates/econnect-engine's tracking/ and
-- receive/ modules. No foreign keys to `documents`: the sync deletes documents the platform
-- no longer lists (retention), and what was saved on this disk must stay recorded.

-- Every received invoice this profile has seen in a receive list, and how far it got.
-- state: listed (to download) | writing (target paths chosen, files being put in place)
--        | saved (both files on disk) | failed (will retry) | refused (never retried: e.g.
--        an XML bomb or an oversized file; last_error says why).
CREATE TABLE received_invoices (
    document_id      TEXT PRIMARY KEY,
    party_id         TEXT NOT NULL,
    received_on      TEXT NOT NULL,            -- the platform's receivedOn (RFC 3339 UTC)
    channel          TEXT NOT NULL DEFAULT 'other',
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms  INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    xml_path         TEXT,                     -- chosen before the file is linked in place
    pdf_path         TEXT,
    xml_sha256       TEXT,
    pdf_sha256       TEXT,
    supplier         TEXT,                     -- read from the UBL
    invoice_number   TEXT,
    issue_date       TEXT,
    amount           TEXT,
    currency         TEXT,
    response         TEXT,                     -- AP | RE | PD | … last response sent
    response_id      TEXT,                     -- X-EConnect-DocumentId of that response
    response_at      TEXT,
    response_note    TEXT,
    retention_warned INTEGER NOT NULL DEFAULT 0,
    deleted_at       TEXT,                     -- removed from the platform at the user's request
    saved_at         TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX received_invoices_due ON received_invoices (state, next_attempt_ms);
CREATE INDEX received_invoices_party ON received_invoices (party_id, received_on);
CREATE INDEX received_invoices_xml_path ON received_invoices (xml_path);
CREATE INDEX received_invoices_pdf_path ON received_invoices (pdf_path);

-- Where received invoices go: party_id '' is the default root for every organisation.
CREATE TABLE receive_folders (
    party_id  TEXT PRIMARY KEY,
    path      TEXT NOT NULL
);

-- How far each organisation's receive list has been read (receivedOn of the newest item
-- recorded), so a pass asks only for what is new.
CREATE TABLE receive_cursors (
    party_id     TEXT PRIMARY KEY,
    received_to  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Received documents the retention guard already warned about (once each).
CREATE TABLE retention_warnings (
    document_id  TEXT PRIMARY KEY,
    warned_at    TEXT NOT NULL
);
