-- Members and their refresh-token sessions.
-- Ids are UUIDv7 text; instants are UTC timestamps truncated to microseconds.
CREATE TABLE members (
    id                  TEXT PRIMARY KEY NOT NULL,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    timezone            TEXT NOT NULL,
    bio                 TEXT,
    recovery_focus      TEXT NOT NULL DEFAULT '',
    recovery_since      DATE,
    open_to_partnering  BOOLEAN NOT NULL DEFAULT 0,
    max_partners        INTEGER NOT NULL DEFAULT 1 CHECK (max_partners BETWEEN 1 AND 5),
    willing_to_mentor   BOOLEAN NOT NULL DEFAULT 0,
    quiet_hours_start   TEXT,
    quiet_hours_end     TEXT,
    partner_alerts      BOOLEAN NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    family_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    spent_at    TIMESTAMP,
    revoked_at  TIMESTAMP
);

CREATE INDEX refresh_tokens_member ON refresh_tokens (member_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
