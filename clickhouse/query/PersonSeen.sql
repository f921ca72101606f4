-- The earliest and latest event over all of a person's distinct ids.
SELECT count(), min(timestamp), max(timestamp)
FROM events
WHERE project_id = ? AND distinct_id IN ?
