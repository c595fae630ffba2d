-- The document list's "Datum" column is the invoice date, and the created date (received
-- on / sent on) where a document has none: what a bookkeeper files an invoice under. The
-- list sorts on that same day, then on the moment it came in, so the column and its sort
-- agree. Virtual: computed from the row, stored only in the indexes below.
ALTER TABLE documents ADD COLUMN doc_date TEXT
    GENERATED ALWAYS AS (substr(COALESCE(issue_date, created_at), 1, 10)) VIRTUAL;

-- The date order walked without sorting: everyone's (deep pages too), and one
-- organisation's. The rowid (seq) ends each entry, the last tie-breaker of the order.
CREATE INDEX documents_doc_date ON documents(doc_date, created_at);
CREATE INDEX documents_party_doc_date ON documents(party_id, doc_date, created_at);
