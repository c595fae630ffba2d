-- Full-text search over invoice number, counterparty and file name, plus the indexes the
-- document list's filters and sort orders use. Rows cached by version 1 are indexed here.

CREATE VIRTUAL TABLE documents_fts USING fts5(
    invoice_number,
    counterparty_name,
    file_name,
    content = 'documents',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, invoice_number, counterparty_name, file_name)
    VALUES (new.seq, new.invoice_number, new.counterparty_name, new.file_name);
END;

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, invoice_number, counterparty_name, file_name)
    VALUES ('delete', old.seq, old.invoice_number, old.counterparty_name, old.file_name);
END;

-- Only when a searched value changes: the sync rewrites every row it sees (at least its
-- generation), and that must not rewrite the index.
CREATE TRIGGER documents_fts_update AFTER UPDATE OF invoice_number, counterparty_name, file_name
ON documents
WHEN old.invoice_number IS NOT new.invoice_number
  OR old.counterparty_name IS NOT new.counterparty_name
  OR old.file_name IS NOT new.file_name
BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, invoice_number, counterparty_name, file_name)
    VALUES ('delete', old.seq, old.invoice_number, old.counterparty_name, old.file_name);
    INSERT INTO documents_fts(rowid, invoice_number, counterparty_name, file_name)
    VALUES (new.seq, new.invoice_number, new.counterparty_name, new.file_name);
END;

INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');

CREATE INDEX documents_created ON documents(created_at, seq);
CREATE INDEX documents_party_created ON documents(party_id, created_at, seq);
CREATE INDEX documents_status_created ON documents(status, created_at, seq);
CREATE INDEX documents_number ON documents(invoice_number, seq);
CREATE INDEX documents_counterparty ON documents(counterparty_name, seq);
CREATE INDEX documents_amount ON documents(amount_cents, seq);
