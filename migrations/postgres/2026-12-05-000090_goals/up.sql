-- A community's shared goals: what, a target in a unit, an end date. A goal
-- either sums what members log (`total`, raised and lowered in the same
-- transaction as each entry, so it stays exact under concurrent logging) or
-- counts recruits (members who joined through a pledger's invitation link
-- while the goal ran), counted from `invitation_joins` when read.
-- `milestone` is the highest quarter of the target pledgers were told of
-- (0-4); it only rises, so each milestone is told once.
CREATE TABLE goals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    counts_recruits BOOLEAN NOT NULL,
    target BIGINT NOT NULL,
    ends_on TEXT NOT NULL,
    ends_at BIGINT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    milestone INTEGER NOT NULL DEFAULT 0,
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX goals_community ON goals (community_id, ends_at);

-- Who pledged to a goal (milestones are told to them).
CREATE TABLE goal_pledges (
    goal_id BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pledged_at BIGINT NOT NULL,
    PRIMARY KEY (goal_id, user_id)
);
CREATE INDEX goal_pledges_user ON goal_pledges (user_id);

-- What members logged, each entry private to its member; `day` (days since
-- 1970-01-01, UTC) groups the daily series the chart draws.
CREATE TABLE goal_entries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    goal_id BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    amount BIGINT NOT NULL,
    day BIGINT NOT NULL,
    logged_at BIGINT NOT NULL
);
CREATE INDEX goal_entries_goal_day ON goal_entries (goal_id, day);
CREATE INDEX goal_entries_goal_user ON goal_entries (goal_id, user_id);
CREATE INDEX goal_entries_user ON goal_entries (user_id);
