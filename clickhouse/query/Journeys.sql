-- The latest row of each of the project's journeys, except those that delete
-- it, by id; the caller orders them by name.
SELECT id, definition, updated_at
FROM (
    SELECT id, definition, deleted, updated_at
    FROM journeys
    WHERE project_id = ?
    ORDER BY seq DESC
    LIMIT 1 BY id
)
WHERE deleted = 0
ORDER BY id
