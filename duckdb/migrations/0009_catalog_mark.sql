-- How far the schema catalog counts: every event with a seq up to seq, and
-- no other. Writes add to the catalog about once a second, not in every
-- transaction; a store opened after a crash counts what the catalog lacks.
CREATE TABLE IF NOT EXISTS catalog_mark (seq BIGINT NOT NULL);
INSERT INTO catalog_mark SELECT coalesce(max(seq), -1) FROM events;
