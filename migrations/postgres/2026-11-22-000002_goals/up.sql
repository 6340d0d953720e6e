-- Goals, their daily check-ins, and the milestones reached on them.
-- Dates are local dates in the member's time zone.
CREATE TABLE goals (
    id             TEXT PRIMARY KEY NOT NULL,
    member_id      TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    description    TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('build', 'quit')),
    cadence        TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly', 'days')),
    cadence_times  INTEGER CHECK (cadence_times BETWEEN 1 AND 7),
    cadence_days   TEXT,
    reminder_time  TEXT,
    visibility     TEXT NOT NULL CHECK (visibility IN ('private', 'partners')),
    started_on     DATE NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    archived_at    TIMESTAMP
);

CREATE INDEX goals_member ON goals (member_id);

-- One check-in per goal and day: the unique index is what makes a PUT sent
-- twice, or twenty times at once, store one row.
CREATE TABLE check_ins (
    id           TEXT PRIMARY KEY NOT NULL,
    goal_id      TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    day          DATE NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('done', 'skipped', 'slipped')),
    note         TEXT,
    note_shared  BOOLEAN NOT NULL DEFAULT FALSE,
    mood         INTEGER CHECK (mood BETWEEN 1 AND 5),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (goal_id, day)
);

-- Each milestone of a goal is recorded once, when first reached.
CREATE TABLE milestones (
    id           TEXT PRIMARY KEY NOT NULL,
    goal_id      TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    metric       TEXT NOT NULL CHECK (metric IN ('streak', 'days_kept')),
    threshold    INTEGER NOT NULL,
    reached_on   DATE NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    UNIQUE (goal_id, metric, threshold)
);
