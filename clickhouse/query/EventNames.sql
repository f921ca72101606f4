-- Every (type, name) of a project's events, from the catalog.
SELECT type, name, sumMerge(events), minMerge(first_seen), maxMerge(last_seen)
FROM catalog
WHERE project_id = @project AND object = ''
GROUP BY type, name
