-- The distinct ids of a project that resolve to a person other than
-- themselves (an id without a row is its own person).
SELECT distinct_id, person_id
FROM identities
WHERE project_id = ? AND distinct_id <> person_id
