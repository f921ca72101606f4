-- Traits from the person's identify calls, oldest first, so that applying
-- them in order leaves the latest value of each trait.
SELECT traits, timestamp
FROM events
WHERE project_id = ? AND distinct_id IN ? AND type = 'identify' AND traits != ''
ORDER BY timestamp, seq
