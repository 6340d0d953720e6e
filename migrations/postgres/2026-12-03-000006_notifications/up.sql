-- The inbox: what each member is told, in generic words, with the ids the
-- app needs to open the thing. An item goes with what it is about: the
-- partnership, goal or group it names.
CREATE TABLE notifications (
    id              TEXT PRIMARY KEY NOT NULL,
    member_id       TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    priority        TEXT NOT NULL CHECK (priority IN ('normal', 'high')),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    partnership_id  TEXT REFERENCES partnerships (id) ON DELETE CASCADE,
    goal_id         TEXT REFERENCES goals (id) ON DELETE CASCADE,
    group_id        TEXT REFERENCES recovery_groups (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL,
    read_at         TIMESTAMP
);

CREATE INDEX notifications_member ON notifications (member_id, id);
CREATE INDEX notifications_partnership ON notifications (partnership_id);
CREATE INDEX notifications_goal ON notifications (goal_id);
CREATE INDEX notifications_group ON notifications (group_id);

-- The outbox: a push owed for each notification, written in the same
-- transaction, waiting for the dispatcher (the push issue) to deliver it.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY NOT NULL,
    notification_id  TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    member_id        TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    priority         TEXT NOT NULL CHECK (priority IN ('normal', 'high')),
    due_at           TIMESTAMP NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          TIMESTAMP,
    last_error       TEXT
);

CREATE INDEX outbox_due ON outbox (sent_at, due_at);
CREATE INDEX outbox_notification ON outbox (notification_id);
CREATE INDEX outbox_member ON outbox (member_id);
