-- The trait keys of a project's identify calls, with the number of persons
-- (as their ids resolve now) who sent each with a value. Copies of a
-- message name the same person.
SELECT key, toInt64(uniqExact(if(person_id = '', distinct_id, person_id)))
FROM (
    SELECT distinct_id, key
    FROM events
    ARRAY JOIN traits_names AS key, traits_texts AS text
    WHERE project_id = @project AND type = 'identify' AND text != ''
) AS e
GLOBAL ANY LEFT JOIN (
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = @project
    GROUP BY distinct_id
) AS i USING distinct_id
GROUP BY key
