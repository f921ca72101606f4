-- Both ends of every link touching the given ids.
SELECT DISTINCT from_id, into_id
FROM identity_links
WHERE project_id = ? AND id IN ?
