-- The seq of the project's newest stored event, 0 when it has none.
SELECT max(seq) FROM events WHERE project_id = ?
