-- The seq of the project's newest stored event, -1 when it has none.
SELECT coalesce(max(seq), -1) FROM events WHERE project_id = ?
