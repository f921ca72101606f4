-- The ids whose current row points to one of the persons, with the person:
-- among the ids that ever pointed to one, those whose latest row still does.
SELECT distinct_id, argMax(person_id, version) AS person
FROM identities
WHERE project_id = @project AND distinct_id GLOBAL IN (
    SELECT distinct_id FROM identities WHERE project_id = @project AND person_id IN @persons)
GROUP BY distinct_id
HAVING person IN @persons
ORDER BY distinct_id
