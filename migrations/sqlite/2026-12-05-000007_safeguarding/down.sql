DROP TABLE safeguarding_alerts;
DROP TABLE community_safeguarding_leads;
