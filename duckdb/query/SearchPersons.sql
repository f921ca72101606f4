-- A page of the persons with a distinct id, or a top-level value of an
-- identify call's traits as fields read it, that contains $text, which is
-- in lower case, ignoring case: those with an id of their events equal to
-- it first, then the most recently seen. Every id and event of a person counts, after
-- identity merges.
WITH matches AS (
    SELECT DISTINCT distinct_id
    FROM events
    WHERE project_id = $project AND (contains(lower(distinct_id), $text)
        OR type = 'identify' AND list_bool_or(list_transform(traits_texts, v -> contains(lower(v), $text))))
    UNION
    SELECT distinct_id FROM identities WHERE project_id = $project AND contains(lower(distinct_id), $text)
),
persons AS (
    SELECT DISTINCT coalesce(i.person_id, m.distinct_id) AS person
    FROM matches m
    LEFT JOIN identities i ON i.project_id = $project AND i.distinct_id = m.distinct_id
),
members AS (
    SELECT i.person_id AS person, i.distinct_id
    FROM identities i JOIN persons p ON i.project_id = $project AND i.person_id = p.person
    UNION
    SELECT person, person FROM persons
)
SELECT m.person
FROM events e
JOIN members m ON e.project_id = $project AND e.distinct_id = m.distinct_id
GROUP BY m.person
ORDER BY bool_or(lower(e.distinct_id) = $text) DESC, max(e.timestamp) DESC, m.person
LIMIT $limit
