-- Chat messages whose words screened as a high-risk crisis, like
-- crisis_posts: withheld from signed-out visitors of a public community
-- (history and search) unless `crisis_post_visibility = "public"`.
CREATE TABLE crisis_messages (
    message_id BIGINT PRIMARY KEY REFERENCES chat_messages (id) ON DELETE CASCADE,
    marked_at BIGINT NOT NULL
);
