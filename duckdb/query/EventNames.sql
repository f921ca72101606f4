-- Every (type, name) of a project's events, from the catalog.
SELECT type, name, events, first_seen, last_seen
FROM catalog_events
WHERE project_id = $project
