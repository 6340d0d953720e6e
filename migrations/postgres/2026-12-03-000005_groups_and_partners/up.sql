-- Recovery groups, their members, the coping strategies they share, and
-- the accountability partnerships members make.

CREATE TABLE recovery_groups (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT,
    focus        TEXT NOT NULL,
    -- Stored as the code reads (upper case, no separators), so a join
    -- looks it up by the unique index whatever case it was typed in.
    invite_code  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    -- Set when its last member leaves: nobody can join it again.
    archived_at  TIMESTAMP
);

CREATE TABLE group_members (
    group_id   TEXT NOT NULL REFERENCES recovery_groups (id) ON DELETE CASCADE,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('member', 'facilitator')),
    joined_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, member_id)
);

CREATE INDEX group_members_member ON group_members (member_id);

-- A post goes with its author's account; "this helped me" marks go with
-- the post or with the member who marked it.
CREATE TABLE strategies (
    id          TEXT PRIMARY KEY NOT NULL,
    group_id    TEXT NOT NULL REFERENCES recovery_groups (id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE INDEX strategies_group ON strategies (group_id, created_at);
CREATE INDEX strategies_author ON strategies (author_id);

CREATE TABLE strategy_marks (
    strategy_id  TEXT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    member_id    TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    marked_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (strategy_id, member_id)
);

CREATE INDEX strategy_marks_member ON strategy_marks (member_id);

-- One open (pending or active) partnership per pair: pair_key is the two
-- member ids in order, and the partial unique index refuses a second open
-- one whichever side asks, however many requests race.
CREATE TABLE partnerships (
    id            TEXT PRIMARY KEY NOT NULL,
    requester_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    invitee_id    TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    pair_key      TEXT NOT NULL,
    group_id      TEXT REFERENCES recovery_groups (id) ON DELETE SET NULL,
    message       TEXT,
    status        TEXT NOT NULL
        CHECK (status IN ('pending', 'active', 'declined', 'cancelled', 'ended', 'expired')),
    -- Who has said yes while it is pending: a member's own request
    -- carries the requester's; a facilitator's pairing carries neither, so
    -- both must accept.
    requester_agreed  BOOLEAN NOT NULL DEFAULT TRUE,
    invitee_agreed    BOOLEAN NOT NULL DEFAULT FALSE,
    requested_at  TIMESTAMP NOT NULL,
    responded_at  TIMESTAMP,
    ended_at      TIMESTAMP,
    -- Who declined, cancelled or ended it: the other may not ask again
    -- for a while.
    closed_by     TEXT,
    CHECK (requester_id <> invitee_id)
);

CREATE UNIQUE INDEX partnerships_one_open ON partnerships (pair_key)
    WHERE status IN ('pending', 'active');
CREATE INDEX partnerships_requester ON partnerships (requester_id, status);
CREATE INDEX partnerships_invitee ON partnerships (invitee_id, status);
CREATE INDEX partnerships_group ON partnerships (group_id);
CREATE INDEX partnerships_pair ON partnerships (pair_key);
