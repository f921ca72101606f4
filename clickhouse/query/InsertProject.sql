INSERT INTO projects (id, name, write_key, read_key, created_at)
