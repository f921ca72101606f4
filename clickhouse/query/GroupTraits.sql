-- Traits from a group's group calls, oldest first, so that applying them in
-- order leaves the latest value of each trait.
SELECT traits, timestamp
FROM events
WHERE project_id = ? AND type = 'group' AND group_id = ?
ORDER BY timestamp, seq
