-- Traits from the person's identify calls, oldest first, so that applying
-- them in order leaves the latest value of each trait.
SELECT traits, timestamp
FROM events
WHERE project_id = ? AND list_contains(?, distinct_id)
  AND type = 'identify' AND traits IS NOT NULL
ORDER BY timestamp, seq
