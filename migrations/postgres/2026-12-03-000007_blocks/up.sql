-- Who blocked whom. A block ends what the two had and keeps them apart,
-- both ways; the blocked member is never told.
CREATE TABLE blocks (
    blocker_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    blocked_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);

CREATE INDEX blocks_blocked ON blocks (blocked_id);
