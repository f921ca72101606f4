-- The project's journeys by id; the caller orders them by name.
SELECT id, definition, updated_at FROM journeys WHERE project_id = ? ORDER BY id
