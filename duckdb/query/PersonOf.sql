-- The person a distinct id belongs to, and all the ids merged into them.
WITH person AS (
    SELECT coalesce(
        (SELECT person_id FROM identities WHERE project_id = $project AND distinct_id = $id),
        $id) AS id
)
SELECT person.id, i.distinct_id
FROM person
LEFT JOIN identities i ON i.project_id = $project AND i.person_id = person.id
ORDER BY i.distinct_id
