-- Issue 6 (people and receiving): what the user answered in the receive pop-up.
-- Only "niet meer vragen" is remembered here; "niet nu" lasts one session (in memory).
CREATE TABLE receive_prompt_choices (
    party_id    TEXT PRIMARY KEY,            -- normalised, e.g. 0106:12345678
    choice      TEXT NOT NULL CHECK (choice IN ('never')),
    decided_at  TEXT NOT NULL
);
