-- Members appointed to organise in a community (events now; goals and the
-- directory after): appointed by its moderators or an admin.
CREATE TABLE community_organisers (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    appointed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    appointed_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_organisers_user ON community_organisers (user_id);
