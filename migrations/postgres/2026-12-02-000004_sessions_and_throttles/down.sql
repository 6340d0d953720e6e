DROP TABLE throttle_events;
ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_session;
DROP INDEX refresh_tokens_session;
ALTER TABLE refresh_tokens ADD COLUMN revoked_at TIMESTAMP;
ALTER TABLE refresh_tokens ADD COLUMN member_id TEXT REFERENCES members (id) ON DELETE CASCADE;
UPDATE refresh_tokens SET member_id = sessions.member_id, revoked_at = sessions.revoked_at
FROM sessions WHERE sessions.id = refresh_tokens.session_id;
ALTER TABLE refresh_tokens ALTER COLUMN member_id SET NOT NULL;
ALTER TABLE refresh_tokens RENAME COLUMN session_id TO family_id;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
DROP TABLE sessions;
