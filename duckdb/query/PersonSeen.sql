SELECT min(timestamp), max(timestamp)
FROM events
WHERE project_id = ? AND list_contains(?, distinct_id)
