-- How far each member has read in each thread they opened (the newest post
-- they were shown), so a long thread offers "first unread" and marks it.
CREATE TABLE thread_reads (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    last_read_post_id BIGINT NOT NULL,
    read_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
