-- The property keys of a project's events of a type and name ('' for any),
-- from the catalog.
SELECT key, sum(events)::BIGINT
FROM catalog_keys
WHERE project_id = $project AND object = 'properties'
  AND ($type = '' OR type = $type) AND ($name = '' OR name = $name)
GROUP BY key
