-- A member's own changes to their account (issue 17).
-- Consent rows record giving and withdrawing alike: the latest row of a
-- kind says where the member stands, and the rows are their history.
ALTER TABLE consents ADD COLUMN withdrawn BOOLEAN NOT NULL DEFAULT FALSE;

-- Every change of display name, so moderators can see who was who.
CREATE TABLE display_name_changes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    previous_name TEXT NOT NULL,
    new_name TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX display_name_changes_by_user ON display_name_changes (user_id, changed_at);

-- When the member put away the welcome shown after sign-up. Members who
-- joined before it existed never see it.
ALTER TABLE users ADD COLUMN welcomed_at BIGINT;
UPDATE users SET welcomed_at = created_at;
