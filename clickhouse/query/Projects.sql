-- Every project with its keys, oldest first: the first is the default.
SELECT id, name, write_key, read_key, created_at
FROM projects
ORDER BY created_at, id
LIMIT 1 BY id
