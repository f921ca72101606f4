-- The latest row of each (value, day) of the project's spend of a field over
-- the days first <= day < end.
SELECT value, day, argMax(amount, seq) AS amount
FROM spend
WHERE project_id = @project AND field = @field AND day >= toDate(@first) AND day < toDate(@end)
GROUP BY value, day
