-- The totals row at a million documents. A broad search ("mulder") matches tens of
-- thousands of documents, nearly all through their counterparty's name: listing those
-- matches costs ~5 ms, summing them ~30 ms; the totals of all documents read a million
-- index entries. So documents are summed ahead per counterparty name, organisation,
-- direction, channel, status and currency (the filters of the list, but the period): a
-- filter's totals add up a few of those groups, a search finds the few names it matches,
-- and the full-text index of the documents keeps only what is (nearly) unique per
-- document: invoice number and file name.

CREATE TABLE counterparty_totals (
    id                 INTEGER PRIMARY KEY,
    counterparty_name  TEXT,               -- none: never found by a search
    party_id           TEXT NOT NULL,
    direction          TEXT NOT NULL,
    channel            TEXT NOT NULL,
    status             TEXT NOT NULL,
    currency           TEXT,
    docs               INTEGER NOT NULL DEFAULT 0,
    with_amount        INTEGER NOT NULL DEFAULT 0,
    cents              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX counterparty_totals_key
    ON counterparty_totals(counterparty_name, party_id, direction, channel, status, currency);
CREATE INDEX counterparty_totals_party ON counterparty_totals(party_id);

-- The names, tokenised exactly as `documents_fts` tokenises the counterparty column, so a
-- name matches a search here exactly when that column matches it there.
CREATE VIRTUAL TABLE counterparty_totals_fts USING fts5(
    counterparty_name,
    content = 'counterparty_totals',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO counterparty_totals
    (counterparty_name, party_id, direction, channel, status, currency, docs, with_amount, cents)
SELECT counterparty_name, party_id, direction, channel, status, currency,
       COUNT(*), COUNT(amount_cents), IFNULL(SUM(amount_cents), 0)
FROM documents
GROUP BY counterparty_name, party_id, direction, channel, status, currency;

INSERT INTO counterparty_totals_fts(counterparty_totals_fts) VALUES ('rebuild');

CREATE TRIGGER counterparty_totals_fts_insert AFTER INSERT ON counterparty_totals BEGIN
    INSERT INTO counterparty_totals_fts(rowid, counterparty_name)
    VALUES (new.id, new.counterparty_name);
END;

CREATE TRIGGER counterparty_totals_fts_delete AFTER DELETE ON counterparty_totals BEGIN
    INSERT INTO counterparty_totals_fts(counterparty_totals_fts, rowid, counterparty_name)
    VALUES ('delete', old.id, old.counterparty_name);
END;

-- A group that lost its last document goes, so names no longer in use do not pile up.
CREATE TRIGGER counterparty_totals_empty AFTER UPDATE OF docs ON counterparty_totals
WHEN new.docs <= 0 BEGIN
    DELETE FROM counterparty_totals WHERE id = new.id;
END;

CREATE TRIGGER documents_counterparty_totals_insert AFTER INSERT ON documents BEGIN
    INSERT INTO counterparty_totals
        (counterparty_name, party_id, direction, channel, status, currency)
    SELECT new.counterparty_name, new.party_id, new.direction, new.channel, new.status,
           new.currency
    WHERE NOT EXISTS (SELECT 1 FROM counterparty_totals
        WHERE counterparty_name IS new.counterparty_name AND party_id = new.party_id
          AND direction = new.direction AND channel = new.channel AND status = new.status
          AND currency IS new.currency);
    UPDATE counterparty_totals SET docs = docs + 1,
        with_amount = with_amount + (new.amount_cents IS NOT NULL),
        cents = cents + IFNULL(new.amount_cents, 0)
    WHERE counterparty_name IS new.counterparty_name AND party_id = new.party_id
      AND direction = new.direction AND channel = new.channel AND status = new.status
      AND currency IS new.currency;
END;

CREATE TRIGGER documents_counterparty_totals_delete AFTER DELETE ON documents BEGIN
    UPDATE counterparty_totals SET docs = docs - 1,
        with_amount = with_amount - (old.amount_cents IS NOT NULL),
        cents = cents - IFNULL(old.amount_cents, 0)
    WHERE counterparty_name IS old.counterparty_name AND party_id = old.party_id
      AND direction = old.direction AND channel = old.channel AND status = old.status
      AND currency IS old.currency;
END;

-- Only when a summed or grouped value changes: the sync rewrites every row it sees.
CREATE TRIGGER documents_counterparty_totals_update
AFTER UPDATE OF counterparty_name, party_id, direction, channel, status, currency, amount_cents
ON documents
WHEN old.counterparty_name IS NOT new.counterparty_name OR old.party_id IS NOT new.party_id
  OR old.direction IS NOT new.direction OR old.channel IS NOT new.channel
  OR old.status IS NOT new.status OR old.currency IS NOT new.currency
  OR old.amount_cents IS NOT new.amount_cents
BEGIN
    UPDATE counterparty_totals SET docs = docs - 1,
        with_amount = with_amount - (old.amount_cents IS NOT NULL),
        cents = cents - IFNULL(old.amount_cents, 0)
    WHERE counterparty_name IS old.counterparty_name AND party_id = old.party_id
      AND direction = old.direction AND channel = old.channel AND status = old.status
      AND currency IS old.currency;
    INSERT INTO counterparty_totals
        (counterparty_name, party_id, direction, channel, status, currency)
    SELECT new.counterparty_name, new.party_id, new.direction, new.channel, new.status,
           new.currency
    WHERE NOT EXISTS (SELECT 1 FROM counterparty_totals
        WHERE counterparty_name IS new.counterparty_name AND party_id = new.party_id
          AND direction = new.direction AND channel = new.channel AND status = new.status
          AND currency IS new.currency);
    UPDATE counterparty_totals SET docs = docs + 1,
        with_amount = with_amount + (new.amount_cents IS NOT NULL),
        cents = cents + IFNULL(new.amount_cents, 0)
    WHERE counterparty_name IS new.counterparty_name AND party_id = new.party_id
      AND direction = new.direction AND channel = new.channel AND status = new.status
      AND currency IS new.currency;
END;

-- The documents' full-text index without the counterparty (searched through the names above):
-- a name's word no longer lists every document of that name.
DROP TRIGGER documents_fts_insert;
DROP TRIGGER documents_fts_delete;
DROP TRIGGER documents_fts_update;
DROP TABLE documents_fts;

CREATE VIRTUAL TABLE documents_fts USING fts5(
    invoice_number,
    file_name,
    content = 'documents',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, invoice_number, file_name)
    VALUES (new.seq, new.invoice_number, new.file_name);
END;

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, invoice_number, file_name)
    VALUES ('delete', old.seq, old.invoice_number, old.file_name);
END;

-- Only when a searched value changes: the sync rewrites every row it sees.
CREATE TRIGGER documents_fts_update AFTER UPDATE OF invoice_number, file_name ON documents
WHEN old.invoice_number IS NOT new.invoice_number OR old.file_name IS NOT new.file_name
BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, invoice_number, file_name)
    VALUES ('delete', old.seq, old.invoice_number, old.file_name);
    INSERT INTO documents_fts(rowid, invoice_number, file_name)
    VALUES (new.seq, new.invoice_number, new.file_name);
END;

INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
