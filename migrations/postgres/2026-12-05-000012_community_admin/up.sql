-- An archived community stays readable but takes no posts, replies, chat or reactions.
CREATE TABLE community_archives (
    community_id BIGINT PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    archived_at BIGINT NOT NULL,
    archived_by BIGINT NOT NULL REFERENCES users (id)
);

-- A moderator's answer to a request to join, with the message the member is
-- told (the request itself goes once it is answered).
CREATE TABLE join_decisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    accepted BOOLEAN NOT NULL,
    message TEXT,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decided_at BIGINT NOT NULL
);
CREATE INDEX join_decisions_by_user ON join_decisions (user_id);
