-- Reports about a member, for the facilitators of the groups the two
-- share. A report goes with its reporter's account (their words); one about
-- a member outlives that member's account, who is then "a former member".
CREATE TABLE reports (
    id              TEXT PRIMARY KEY NOT NULL,
    reporter_id     TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reported_id     TEXT REFERENCES members (id) ON DELETE SET NULL,
    reason          TEXT NOT NULL CHECK (reason IN ('harassment', 'spam', 'unsafe', 'other')),
    detail          TEXT,
    status          TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution_note TEXT,
    resolved_by     TEXT REFERENCES members (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    resolved_at     TIMESTAMP
);

CREATE INDEX reports_reporter ON reports (reporter_id);
CREATE INDEX reports_reported ON reports (reported_id);
CREATE INDEX reports_resolved_by ON reports (resolved_by);

-- The groups whose facilitators see a report.
CREATE TABLE report_groups (
    report_id  TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    group_id   TEXT NOT NULL REFERENCES recovery_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (report_id, group_id)
);

CREATE INDEX report_groups_group ON report_groups (group_id, report_id);
