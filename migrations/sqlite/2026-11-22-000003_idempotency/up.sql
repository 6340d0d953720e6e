-- The first answer to each POST a member sent with an Idempotency-Key, so
-- a retried request gets that answer again instead of creating twice.
-- Kept for 24 hours.
CREATE TABLE idempotency_keys (
    member_id    TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL,
    location     TEXT,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, key)
);
