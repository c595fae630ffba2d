-- Counting a filtered document list (direction, channel, status) walked the whole table;
-- this narrow index covers those filters, so a total is an index range scan instead.
CREATE INDEX documents_filters ON documents(direction, channel, status, party_id, created_at);
