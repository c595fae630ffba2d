-- The totals of a search within one organisation, when the words match (nearly) all its
-- documents: an invoice-number prefix such as "B2026" matches 20,000 documents of a client,
-- and summing them reads each one (~8 ms). With the organisation in the full-text index, the
-- index alone tells how many of its documents the words match, and lists the few they do not
-- match; the totals are then the organisation's summed groups minus those few.
--
-- The organisation is one token: 'p' and the hex of its id, so a match is on the whole id.
-- Searches name the number and file name columns, so this column is never found by them.
CREATE VIEW documents_search AS
    SELECT seq, invoice_number, file_name, 'p' || hex(party_id) AS party_key FROM documents;

DROP TRIGGER documents_fts_insert;
DROP TRIGGER documents_fts_delete;
DROP TRIGGER documents_fts_update;
DROP TABLE documents_fts;

CREATE VIRTUAL TABLE documents_fts USING fts5(
    invoice_number,
    file_name,
    party_key,
    content = 'documents_search',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, invoice_number, file_name, party_key)
    VALUES (new.seq, new.invoice_number, new.file_name, 'p' || hex(new.party_id));
END;

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, invoice_number, file_name, party_key)
    VALUES ('delete', old.seq, old.invoice_number, old.file_name, 'p' || hex(old.party_id));
END;

-- Only when an indexed value changes: the sync rewrites every row it sees.
CREATE TRIGGER documents_fts_update
AFTER UPDATE OF invoice_number, file_name, party_id ON documents
WHEN old.invoice_number IS NOT new.invoice_number OR old.file_name IS NOT new.file_name
  OR old.party_id IS NOT new.party_id
BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, invoice_number, file_name, party_key)
    VALUES ('delete', old.seq, old.invoice_number, old.file_name, 'p' || hex(old.party_id));
    INSERT INTO documents_fts(rowid, invoice_number, file_name, party_key)
    VALUES (new.seq, new.invoice_number, new.file_name, 'p' || hex(new.party_id));
END;

INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
