-- The project's spend of a field over the days first <= day < end.
SELECT value, day, amount
FROM spend
WHERE project_id = ? AND field = ? AND day >= ? AND day < ?
