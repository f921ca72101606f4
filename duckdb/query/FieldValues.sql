-- The most common values of an event field among a project's events, or
-- those of one name, that start with a prefix in any case. A template:
-- storage.EventFieldValues writes the field's expression.
SELECT value, count(*) AS events
FROM (
    SELECT {{.Value}} AS value
    FROM events
    WHERE project_id = $project AND ($event = '' OR name = $event)
)
WHERE value <> '' AND starts_with(lower(value), lower($prefix))
GROUP BY value
ORDER BY events DESC, value
LIMIT $limit
