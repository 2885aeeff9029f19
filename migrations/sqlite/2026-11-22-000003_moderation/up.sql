-- Safety and moderation (SQLite): what moderators act on, what they did,
-- and the timed sanctions that lift by themselves.

ALTER TABLE users ADD COLUMN is_safeguarding_lead BOOLEAN NOT NULL DEFAULT FALSE;

-- visible | held (waiting for approval) | hidden | removed
ALTER TABLE posts ADD COLUMN moderation_state TEXT NOT NULL DEFAULT 'visible';
ALTER TABLE posts ADD COLUMN moderation_reason TEXT;
ALTER TABLE chat_messages ADD COLUMN moderation_state TEXT NOT NULL DEFAULT 'visible';
ALTER TABLE chat_messages ADD COLUMN moderation_reason TEXT;
ALTER TABLE threads ADD COLUMN locked_at BIGINT;
ALTER TABLE threads ADD COLUMN pinned_at BIGINT;
-- A community's own safety settings; no row means the defaults.
CREATE TABLE community_policies (
    community_id BIGINT PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    -- How many of a member's first posts here wait for approval (0: none).
    hold_first_posts INTEGER NOT NULL
);

-- Warnings, mutes (in a community or one room), suspensions and bans.
-- A sanction is in force while lifted_at is unset and ends_at is unset or
-- still ahead, so timed ones lift by themselves.
CREATE TABLE sanctions (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    room_id BIGINT REFERENCES rooms (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    ends_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    lifted_at BIGINT,
    lifted_by BIGINT REFERENCES users (id)
);
CREATE INDEX sanctions_in_force ON sanctions (user_id, kind) WHERE lifted_at IS NULL;

INSERT INTO sanctions (user_id, kind, community_id, room_id, reason, ends_at, created_by, created_at)
SELECT room_mutes.user_id, 'mute', rooms.community_id, room_mutes.room_id, '', room_mutes.muted_until,
       room_mutes.muted_by, room_mutes.created_at
FROM room_mutes JOIN rooms ON rooms.id = room_mutes.room_id;
DROP TABLE room_mutes;

-- One open item per reported or screened thing, grouping its reports.
CREATE TABLE moderation_items (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    subject_author_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    urgent BOOLEAN NOT NULL,
    held BOOLEAN NOT NULL,
    screening TEXT NOT NULL,
    report_count INTEGER NOT NULL,
    report_weight INTEGER NOT NULL,
    opened_at BIGINT NOT NULL,
    claimed_by BIGINT REFERENCES users (id),
    claim_expires_at BIGINT,
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES users (id),
    resolution TEXT
);
CREATE UNIQUE INDEX moderation_items_one_open ON moderation_items (subject_kind, subject_id) WHERE resolved_at IS NULL;
CREATE INDEX moderation_items_queue
    ON moderation_items (community_id, urgent DESC, report_weight DESC, opened_at, id) WHERE resolved_at IS NULL;
CREATE INDEX moderation_items_urgent ON moderation_items (urgent DESC, report_weight DESC, opened_at, id)
    WHERE resolved_at IS NULL;

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES moderation_items (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE UNIQUE INDEX reports_one_per_member ON reports (reporter_id, subject_kind, subject_id);
CREATE INDEX reports_by_item ON reports (item_id);

-- Every moderation action, written in the action's own transaction.
CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    community_id BIGINT REFERENCES communities (id) ON DELETE SET NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    target_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    reverses_id BIGINT REFERENCES moderation_log (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX moderation_log_by_community ON moderation_log (community_id, id);
CREATE INDEX moderation_log_by_target ON moderation_log (target_user_id, id);

CREATE TABLE appeals (
    id INTEGER PRIMARY KEY,
    log_id BIGINT NOT NULL UNIQUE REFERENCES moderation_log (id) ON DELETE CASCADE,
    appellant_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decision_reason TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);

CREATE TABLE member_notes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_notes_by_member ON member_notes (user_id, id);

-- Filters added by admins (community_id unset) and moderators, on top of
-- the shipped rules in moderation/rules/filters.toml.
CREATE TABLE word_filters (
    id INTEGER PRIMARY KEY,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    term TEXT NOT NULL,
    action TEXT NOT NULL,
    message TEXT,
    replacement TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX word_filters_by_community ON word_filters (community_id);

-- Hits per key per fixed window, shared by every process.
CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- Rate limits counted from what members wrote.
CREATE INDEX chat_messages_by_author ON chat_messages (author_id, created_at);
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
