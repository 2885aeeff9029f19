-- Posts whose readers are still to be told of them. A post is queued in its
-- own transaction; the notifier tells everyone concerned, for many posts at
-- once, and removes the rows in the transaction that writes the news.
CREATE TABLE notification_outbox (
    post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    queued_at BIGINT NOT NULL
);
