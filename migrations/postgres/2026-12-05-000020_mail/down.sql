DROP TABLE mail_outbox;
DROP TABLE mail_preferences;
