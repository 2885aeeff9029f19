-- Consultations: the institution asks a community a question in a thread of
-- its own (the title is the question, the first post the background, each
-- reply to the first post an answer), takes answers until closes_at, and
-- owes a response to every answer with support_threshold supports by
-- respond_by.
CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL UNIQUE REFERENCES threads (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    closes_at BIGINT NOT NULL,
    respond_by BIGINT NOT NULL,
    support_threshold INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX consultations_community ON consultations (community_id, created_at);

-- One member's support for another's answer: once each, never their own.
CREATE TABLE consultation_supports (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX consultation_supports_user ON consultation_supports (user_id);
CREATE INDEX consultation_supports_consultation ON consultation_supports (consultation_id);

-- The institution's response to an answer and its dated updates: the first
-- row is the response, later rows update it; the latest row's status stands.
CREATE TABLE consultation_responses (
    id INTEGER PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('adopted', 'in_progress', 'done', 'not_taken_forward')),
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX consultation_responses_answer ON consultation_responses (consultation_id, post_id, created_at);
