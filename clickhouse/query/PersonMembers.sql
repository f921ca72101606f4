-- The ids whose current row points to the person: among the ids that ever
-- pointed to it, those whose latest row still does.
SELECT distinct_id
FROM identities
WHERE project_id = ? AND distinct_id GLOBAL IN (
    SELECT distinct_id FROM identities WHERE project_id = ? AND person_id = ?)
GROUP BY distinct_id
HAVING argMax(person_id, version) = ?
ORDER BY distinct_id
