DROP TABLE room_mutes;
DROP TABLE chat_messages;
DROP TABLE rooms;
