-- The persons who joined a group, resolved through the identity table.
SELECT DISTINCT coalesce(i.person_id, e.distinct_id) AS person_id
FROM events e
LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
WHERE e.project_id = ? AND e.type = 'group' AND e.group_id = ?
ORDER BY person_id
