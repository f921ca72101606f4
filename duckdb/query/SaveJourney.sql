-- Creates a journey, or replaces the one saved under its id.
INSERT INTO journeys (project_id, id, definition, updated_at)
VALUES (?, ?, ?, ?)
ON CONFLICT (project_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
