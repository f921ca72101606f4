-- The trait keys of a project's identify calls, with the number of persons
-- (as their ids resolve now) who sent each with a value.
SELECT key, count(DISTINCT person)
FROM (
    SELECT coalesce(i.person_id, e.distinct_id) AS person,
        unnest(e.traits_names) AS key, unnest(e.traits_texts) AS text
    FROM events e
    LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
    WHERE e.project_id = $project AND e.type = 'identify'
)
WHERE text <> ''
GROUP BY key
