DELETE FROM appeals WHERE log_id IN (SELECT id FROM moderation_log WHERE actor_id = (SELECT id FROM users WHERE username_key = 'kindred (automatic)'));
DELETE FROM moderation_log WHERE reverses_id IN (SELECT id FROM moderation_log WHERE actor_id = (SELECT id FROM users WHERE username_key = 'kindred (automatic)'));
DELETE FROM moderation_log WHERE actor_id = (SELECT id FROM users WHERE username_key = 'kindred (automatic)');
DELETE FROM users WHERE username_key = 'kindred (automatic)';
DROP TABLE crisis_posts;
DROP TABLE support_messages;
DROP TABLE support_conversations;
DROP TABLE safeguarding_alerts;
DROP TABLE community_safeguarding_leads;
