-- Sign-in sessions. Each login starts one; its refresh tokens rotate within
-- it, and every access token names it, so that ending it (logout, a reused
-- refresh token, erasure) ends every token of it at once, on every process.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    -- When its newest refresh token expires: after that nothing of it works.
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);

CREATE INDEX sessions_member ON sessions (member_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- The families refresh tokens already had become sessions.
INSERT INTO sessions (id, member_id, created_at, expires_at, revoked_at)
SELECT family_id, member_id, MIN(created_at), MAX(expires_at), MAX(revoked_at)
FROM refresh_tokens
GROUP BY family_id, member_id;

-- SQLite adds no foreign key to a table it has: the table is built anew.
CREATE TABLE refresh_tokens_new (
    id          TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    spent_at    TIMESTAMP
);
INSERT INTO refresh_tokens_new (id, session_id, token_hash, created_at, expires_at, spent_at)
SELECT id, family_id, token_hash, created_at, expires_at, spent_at FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_new RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Attempts counted against a limit (sign-ins, wrong passwords), in the
-- database so that every API process counts the same ones. The key is a
-- SHA-256 of what is counted (an address, an account), never the thing
-- itself; an attempt on an account names it, so the member sees it in the
-- export and erasure takes it. A key's rows never outnumber its limit, and
-- the sweep deletes those past their window.
CREATE TABLE throttle_events (
    id         TEXT PRIMARY KEY NOT NULL,
    key        TEXT NOT NULL,
    member_id  TEXT REFERENCES members (id) ON DELETE CASCADE,
    at         TIMESTAMP NOT NULL
);

CREATE INDEX throttle_events_member ON throttle_events (member_id);

CREATE INDEX throttle_events_key ON throttle_events (key, at);
CREATE INDEX throttle_events_at ON throttle_events (at);
