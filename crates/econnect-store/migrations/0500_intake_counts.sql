-- The outbox counts per organisation (sidebar, "Verzenden", `econnect watch`) read only
-- (party_id, state): with this index they never touch the table. Through the older
-- (party_id, created_at) index every count visited every row of the organisation, which
-- pulled the whole outbox into each pooled connection's page cache: memory that grew
-- with the number of files ever taken.
CREATE INDEX intake_outbox_party_state ON intake_outbox (party_id, state);
