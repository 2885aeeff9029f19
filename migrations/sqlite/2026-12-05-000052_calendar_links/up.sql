-- Private calendar feed links a member made: for one community's events
-- (community_id) or for the events they answered (community_id NULL).
-- Only the token's SHA-256 is kept; deleting the row revokes the link.
CREATE TABLE calendar_links (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX calendar_links_user ON calendar_links (user_id);
