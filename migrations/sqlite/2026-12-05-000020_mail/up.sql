-- Mail waiting to be sent. A letter is queued in the transaction of the
-- event that causes it; a worker claims due letters for a lease
-- (claimed_until), sends them, and deletes each once the mail server took it,
-- or tries again later (attempts, send_after) while the server is down. A
-- claim whose process died runs out, and the letter is sent again.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    -- The member it is for; their address must still be this one, verified,
    -- when it is sent. None for a link to verify a new address.
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- Mail about one notification is written when it is sent, and dropped
    -- if the member read the notification first.
    notification_id BIGINT UNIQUE REFERENCES notifications (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    created_at BIGINT NOT NULL,
    send_after BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (send_after);
CREATE INDEX mail_outbox_user ON mail_outbox (user_id);

-- How each member wants mail: per kind 'immediately', 'daily', 'weekly' or
-- 'never'; whether letters may name places, titles and people; their time
-- zone (none: the instance's); the key their unsubscribe links are signed
-- with; and when each digest is next due. A member without a row has the
-- defaults.
CREATE TABLE mail_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    replies TEXT NOT NULL,
    mentions TEXT NOT NULL,
    watched TEXT NOT NULL,
    moderation TEXT NOT NULL,
    events TEXT NOT NULL,
    moderator_digest BOOLEAN NOT NULL,
    include_details BOOLEAN NOT NULL,
    time_zone TEXT,
    unsubscribe_key TEXT NOT NULL,
    next_daily_at BIGINT NOT NULL,
    next_weekly_at BIGINT NOT NULL,
    last_daily_at BIGINT,
    last_weekly_at BIGINT
);
CREATE INDEX mail_preferences_daily ON mail_preferences (next_daily_at);
CREATE INDEX mail_preferences_weekly ON mail_preferences (next_weekly_at);

-- Members verified before mail preferences existed get the defaults; their
-- first digests go at the next sweep, gathering the last day or week.
INSERT INTO mail_preferences (user_id, replies, mentions, watched, moderation, events, moderator_digest,
    include_details, unsubscribe_key, next_daily_at, next_weekly_at)
SELECT id, 'immediately', 'immediately', 'weekly', 'weekly', 'weekly', FALSE, FALSE, lower(hex(randomblob(32))), 0, 0
FROM users WHERE email_verified_at IS NOT NULL AND erased_at IS NULL;
