-- The traits of a project's identify calls, each with the person its
-- distinct id resolves to now, oldest first: applied in order, they leave
-- every person's current traits.
SELECT coalesce(i.person_id, e.distinct_id) AS person, e.traits
FROM events e
LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
WHERE e.project_id = ? AND e.type = 'identify' AND e.traits IS NOT NULL
ORDER BY e.timestamp, e.seq
