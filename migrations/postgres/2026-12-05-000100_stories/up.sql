-- Stories: a thread its author started as a story (the first post is the
-- story, replies are comments), and how far its own text may travel:
-- 'community' (those who may read the community), 'instance' (any
-- signed-in member) or 'public' (anyone, signed out too). Replies never
-- travel beyond those who may read the community.
CREATE TABLE stories (
    thread_id BIGINT PRIMARY KEY REFERENCES threads (id) ON DELETE CASCADE,
    reach TEXT NOT NULL CHECK (reach IN ('community', 'instance', 'public')),
    created_at BIGINT NOT NULL,
    reach_changed_at BIGINT NOT NULL
);
CREATE INDEX stories_reach ON stories (reach, thread_id);
