-- The document list's totals row (count and sum per currency) for a filtered set, and
-- sorted pages of one organisation, at a million documents.

-- Totals walk one covering index, never the table: by direction/channel/status, by
-- status alone, and by organisation (with any of the other filters).
DROP INDEX IF EXISTS documents_filters;
CREATE INDEX documents_filters ON documents(direction, channel, status, party_id, created_at, currency, amount_cents);
CREATE INDEX documents_status_totals ON documents(status, created_at, direction, channel, party_id, currency, amount_cents);
CREATE INDEX documents_party_totals ON documents(party_id, created_at, direction, channel, status, currency, amount_cents);

-- One organisation's page in another order than by date: walked in that order within the
-- organisation, instead of sorting all its documents or walking everyone's.
CREATE INDEX documents_party_number ON documents(party_id, invoice_number);
CREATE INDEX documents_party_counterparty ON documents(party_id, counterparty_name);
CREATE INDEX documents_party_amount ON documents(party_id, amount_cents);

-- Sent documents whose own file was read for its facts (customer, amount), read or not:
-- each file is read once, even when it held nothing to fill.
CREATE TABLE document_facts_read (
    document_id TEXT PRIMARY KEY
) WITHOUT ROWID;
