-- Creates a journey unless one is saved under its id; no row changes then.
INSERT INTO journeys (project_id, id, definition, updated_at)
VALUES (?, ?, ?, ?)
ON CONFLICT (project_id, id) DO NOTHING
