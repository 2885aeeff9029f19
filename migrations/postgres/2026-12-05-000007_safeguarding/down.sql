DROP TABLE crisis_posts;
DROP TABLE support_messages;
DROP TABLE support_conversations;
DROP TABLE safeguarding_alerts;
DROP TABLE community_safeguarding_leads;
