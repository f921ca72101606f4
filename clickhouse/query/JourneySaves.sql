-- Every row of a journey, newest first: its saves and its deletions. The
-- caller stops at the newest deletion.
SELECT definition, deleted, updated_at, seq
FROM journeys
WHERE project_id = ? AND id = ?
ORDER BY seq DESC
