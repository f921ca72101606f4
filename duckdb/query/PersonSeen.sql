-- The earliest and latest event over all of a person's distinct ids.
SELECT min(timestamp), max(timestamp)
FROM events
WHERE project_id = ? AND list_contains(?, distinct_id)
