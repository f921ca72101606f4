-- The most common values of an event field among a project's events, or
-- those of one name, that start with a prefix in any case. A template:
-- storage.EventFieldValues writes the field's expression. Every stored row
-- counts, as in the catalog.
SELECT value, toInt64(count()) AS events
FROM (
    SELECT {{.Value}} AS value
    FROM events
    WHERE project_id = @project AND (@event = '' OR name = @event)
)
WHERE value != '' AND startsWith(lowerUTF8(value), lowerUTF8(@prefix))
GROUP BY value
ORDER BY events DESC, value
LIMIT @limit
