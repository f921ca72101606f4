-- For each person given: every id merged into them, sorted, as a JSON
-- list; when they were first and last seen; their events; and the traits
-- objects of their identify calls, oldest first, as a JSON list of strings.
WITH persons AS (
    SELECT unnest($persons) AS person
),
members AS (
    SELECT i.person_id AS person, i.distinct_id
    FROM identities i JOIN persons p ON i.project_id = $project AND i.person_id = p.person
    UNION
    SELECT person, person FROM persons
),
ids AS (
    SELECT person, to_json(list(distinct_id ORDER BY distinct_id)) AS ids FROM members GROUP BY person
)
SELECT m.person, any_value(ids.ids)::VARCHAR, min(e.timestamp), max(e.timestamp), count(*),
    coalesce(to_json(list(e.traits ORDER BY e.timestamp, e.seq) FILTER (WHERE e.type = 'identify' AND e.traits IS NOT NULL)), '[]')::VARCHAR
FROM events e
JOIN members m ON e.project_id = $project AND e.distinct_id = m.distinct_id
JOIN ids ON ids.person = m.person
GROUP BY m.person
