DROP TABLE rate_limits;
DROP INDEX reports_by_reporter;
DROP INDEX chat_messages_by_author;
DROP TABLE word_filters;
DROP TABLE member_notes;
DROP TABLE appeals;
DROP TABLE moderation_log;
DROP TABLE reports;
DROP TABLE moderation_items;

CREATE TABLE room_mutes (
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    muted_until BIGINT NOT NULL,
    muted_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
INSERT INTO room_mutes (room_id, user_id, muted_until, muted_by, created_at)
SELECT room_id, user_id, MAX(ends_at), MAX(created_by), MAX(created_at) FROM sanctions
WHERE kind = 'mute' AND room_id IS NOT NULL AND lifted_at IS NULL AND ends_at IS NOT NULL
GROUP BY room_id, user_id;
DROP TABLE sanctions;

DROP TABLE community_policies;
ALTER TABLE threads DROP COLUMN pinned_at;
ALTER TABLE threads DROP COLUMN locked_at;
ALTER TABLE chat_messages DROP COLUMN moderation_reason;
ALTER TABLE chat_messages DROP COLUMN moderation_state;
ALTER TABLE posts DROP COLUMN moderation_reason;
ALTER TABLE posts DROP COLUMN moderation_state;
ALTER TABLE users DROP COLUMN is_safeguarding_lead;
