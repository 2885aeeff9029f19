DROP TABLE directory_saves;
DROP TABLE directory_entries;
