-- Invitation links a member makes (the code is meant to be shared, so it
-- is kept as it is, for its maker to copy again), and who joined through one.
CREATE TABLE invitations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX invitations_by_maker ON invitations (created_by, id);

CREATE TABLE invitation_joins (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    invitation_id BIGINT NOT NULL REFERENCES invitations (id),
    joined_at BIGINT NOT NULL
);
CREATE INDEX invitation_joins_by_invitation ON invitation_joins (invitation_id);

-- An application to join the instance (when joining is by approval): the
-- account exists but cannot sign in until an admin accepts it.
CREATE TABLE join_applications (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    note TEXT,
    -- The link they came by: counted for its maker once they are accepted.
    invitation_id BIGINT REFERENCES invitations (id),
    status TEXT NOT NULL,
    applied_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT,
    message TEXT
);
CREATE INDEX join_applications_by_status ON join_applications (status, applied_at);
