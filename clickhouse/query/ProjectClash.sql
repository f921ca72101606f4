-- Whether a project with this id or one of these keys exists.
SELECT count()
FROM projects
WHERE id = ? OR write_key IN (?, ?) OR read_key IN (?, ?)
