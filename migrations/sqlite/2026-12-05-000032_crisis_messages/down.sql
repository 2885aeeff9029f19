DROP TABLE crisis_messages;
