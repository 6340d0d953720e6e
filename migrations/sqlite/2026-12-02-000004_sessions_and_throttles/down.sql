DROP TABLE throttle_events;
CREATE TABLE refresh_tokens_old (
    id          TEXT PRIMARY KEY NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    family_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    spent_at    TIMESTAMP,
    revoked_at  TIMESTAMP
);
INSERT INTO refresh_tokens_old
SELECT t.id, s.member_id, t.session_id, t.token_hash, t.created_at, t.expires_at, t.spent_at, s.revoked_at
FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_old RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_member ON refresh_tokens (member_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
DROP TABLE sessions;
