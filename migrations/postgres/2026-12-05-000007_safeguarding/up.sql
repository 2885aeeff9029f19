-- Safeguarding leads appointed for one community (the instance's own leads
-- are users.is_safeguarding_lead).
CREATE TABLE community_safeguarding_leads (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    appointed_by BIGINT NOT NULL REFERENCES users (id),
    appointed_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_safeguarding_leads_user ON community_safeguarding_leads (user_id);

-- One row per urgent queue item: what is still to be done about telling
-- people of it outside the inbox (mail, the webhook) and whether the
-- instance's admins were told because nobody claimed it in time. Every
-- process's sweeper takes work by marking it in the statement that picks it.
CREATE TABLE safeguarding_alerts (
    item_id BIGINT PRIMARY KEY REFERENCES moderation_items (id) ON DELETE CASCADE,
    risk TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    mail_due BOOLEAN NOT NULL,
    webhook_due_at BIGINT,
    webhook_attempts INTEGER NOT NULL DEFAULT 0,
    escalated_at BIGINT
);
CREATE INDEX safeguarding_alerts_waiting ON safeguarding_alerts (raised_at) WHERE escalated_at IS NULL;
CREATE INDEX safeguarding_alerts_webhook ON safeguarding_alerts (webhook_due_at) WHERE webhook_due_at IS NOT NULL;

-- Private support conversations a safeguarding lead opens with a member:
-- seen only by that member and the safeguarding leads for its community.
CREATE TABLE support_conversations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    item_id BIGINT REFERENCES moderation_items (id) ON DELETE SET NULL,
    opened_by BIGINT NOT NULL REFERENCES users (id),
    opened_at BIGINT NOT NULL
);
CREATE INDEX support_conversations_member ON support_conversations (member_id, community_id);

CREATE TABLE support_messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES support_conversations (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX support_messages_conversation ON support_messages (conversation_id, id);

-- Posts whose words screened as a crisis: withheld from signed-out visitors
-- when crisis_post_visibility is `members`.
CREATE TABLE crisis_posts (
    post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    marked_at BIGINT NOT NULL
);

-- The account the moderation log names for what Kindred does by itself
-- (hiding content many members reported while no moderator had acted).
-- Its name has a space and brackets, so nobody can register it, and its
-- password hash matches no password.
INSERT INTO users (username, username_key, display_name, password_hash, is_admin, created_at)
VALUES ('Kindred (automatic)', 'kindred (automatic)', 'Kindred (automatic)',
        '$argon2id$v=19$m=19456,t=2,p=1$bm8tc2lnbi1pbi1oZXJl$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', FALSE, 0);
