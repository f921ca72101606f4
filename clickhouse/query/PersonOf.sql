-- The person a distinct id belongs to now; empty when it has no row.
SELECT argMax(person_id, version)
FROM identities
WHERE project_id = ? AND distinct_id = ?
