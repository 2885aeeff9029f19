ALTER TABLE support_conversations DROP COLUMN closed_by;
ALTER TABLE support_conversations DROP COLUMN closed_at;
