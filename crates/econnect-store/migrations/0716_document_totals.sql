-- The document list's totals row (count and sum per currency) for a filtered set: these
-- indexes carry currency and amount, so a total is a walk of one index, never of the table.
DROP INDEX IF EXISTS documents_filters;
CREATE INDEX documents_filters ON documents(direction, channel, status, party_id, created_at, currency, amount_cents);
CREATE INDEX documents_party_totals ON documents(party_id, created_at, currency, amount_cents);

-- Sent documents whose own file was read for its facts (customer, amount), read or not:
-- each file is read once, even when it held nothing to fill.
CREATE TABLE document_facts_read (
    document_id TEXT PRIMARY KEY
) WITHOUT ROWID;
