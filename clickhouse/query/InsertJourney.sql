INSERT INTO journeys (project_id, id, definition, deleted, updated_at, seq)
