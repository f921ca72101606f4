-- The identity rows of the given ids, each with whether its person has a
-- userId: what identity.Plan needs to merge them.
SELECT i.distinct_id, i.person_id, p.identified
FROM identities i
JOIN (
    SELECT person_id, bool_or(is_user) AS identified
    FROM identities
    WHERE project_id = $project AND person_id IN (
        SELECT person_id FROM identities
        WHERE project_id = $project AND list_contains($ids, distinct_id))
    GROUP BY person_id
) p ON p.person_id = i.person_id
WHERE i.project_id = $project AND list_contains($ids, i.distinct_id)
