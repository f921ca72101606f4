-- The journey's latest row, unless that row deletes it.
SELECT definition, updated_at
FROM (
    SELECT definition, deleted, updated_at
    FROM journeys
    WHERE project_id = ? AND id = ?
    ORDER BY seq DESC
    LIMIT 1
)
WHERE deleted = 0
