-- The outbox counts per organisation and state, kept up to date by triggers. The counts
-- run every few seconds (sidebar, tray badge, "Verzenden", `econnect watch`); even through
-- the covering (party_id, state) index each count read one index entry per row, so in a
-- backlog of 100,000 files every pooled connection that counted pulled ~3 MB of index
-- pages into its page cache (and its thread's malloc arena kept them): memory growing
-- with the backlog. Read from here a count is one page, whatever the backlog.

CREATE TABLE intake_outbox_tally (
    party_id  TEXT NOT NULL,
    state     TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (party_id, state)
) WITHOUT ROWID;

INSERT INTO intake_outbox_tally (party_id, state, n)
    SELECT party_id, state, COUNT(*) FROM intake_outbox GROUP BY party_id, state;

CREATE TRIGGER intake_outbox_tally_insert AFTER INSERT ON intake_outbox
BEGIN
    INSERT INTO intake_outbox_tally (party_id, state, n) VALUES (NEW.party_id, NEW.state, 1)
        ON CONFLICT (party_id, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER intake_outbox_tally_delete AFTER DELETE ON intake_outbox
BEGIN
    UPDATE intake_outbox_tally SET n = n - 1
        WHERE party_id = OLD.party_id AND state = OLD.state;
END;

CREATE TRIGGER intake_outbox_tally_update AFTER UPDATE OF party_id, state ON intake_outbox
    WHEN OLD.party_id IS NOT NEW.party_id OR OLD.state IS NOT NEW.state
BEGIN
    UPDATE intake_outbox_tally SET n = n - 1
        WHERE party_id = OLD.party_id AND state = OLD.state;
    INSERT INTO intake_outbox_tally (party_id, state, n) VALUES (NEW.party_id, NEW.state, 1)
        ON CONFLICT (party_id, state) DO UPDATE SET n = n + 1;
END;

-- Nothing else reads (party_id, state): the index only cost a write per state change.
DROP INDEX intake_outbox_party_state;
