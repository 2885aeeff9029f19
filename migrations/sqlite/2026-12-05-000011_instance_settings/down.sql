DROP TABLE admin_log;
DROP TABLE instance_settings;
DROP TABLE setup_links;
