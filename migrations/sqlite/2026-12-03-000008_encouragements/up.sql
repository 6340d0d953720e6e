-- Cheers, nudges and messages between active partners. They go with the
-- partnership, and with either account.
CREATE TABLE encouragements (
    id              TEXT PRIMARY KEY NOT NULL,
    partnership_id  TEXT NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    sender_id       TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    recipient_id    TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('cheer', 'nudge', 'message')),
    goal_id         TEXT REFERENCES goals (id) ON DELETE SET NULL,
    text            TEXT,
    -- The sender's local date: what the daily limits count by.
    sender_day      DATE NOT NULL,
    created_at      TIMESTAMP NOT NULL
);

CREATE INDEX encouragements_limits ON encouragements (partnership_id, sender_id, kind, sender_day);
CREATE INDEX encouragements_recipient ON encouragements (recipient_id, id);
CREATE INDEX encouragements_sender ON encouragements (sender_id, id);
CREATE INDEX encouragements_goal ON encouragements (goal_id);
