-- The persons who joined a group, resolved through the identity table.
SELECT DISTINCT if(person_id = '', distinct_id, person_id) AS person
FROM (
    SELECT distinct_id
    FROM events
    WHERE project_id = ? AND type = 'group' AND group_id = ?
) AS e
GLOBAL ANY LEFT JOIN (
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = ?
    GROUP BY distinct_id
) AS i USING distinct_id
ORDER BY person
