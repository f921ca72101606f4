-- The property keys of a project's events of a type and name ('' for any),
-- from the catalog.
SELECT key, toInt64(sumMerge(events))
FROM catalog
WHERE project_id = @project AND object = 'properties'
  AND (@type = '' OR type = @type) AND (@name = '' OR name = @name)
GROUP BY key
