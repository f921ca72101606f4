-- The traits of a project's identify calls, each with the person its
-- distinct id resolves to now, oldest first: applied in order, they leave
-- every person's current traits. The first copy of each message is chosen
-- among all copies, whatever their type, as export chooses it.
SELECT if(person_id = '', distinct_id, person_id) AS person, traits
FROM (
    SELECT distinct_id, type, traits, timestamp, seq
    FROM events
    WHERE project_id = @project AND message_id GLOBAL IN (
        SELECT message_id FROM events WHERE project_id = @project AND type = 'identify'
    )
    ORDER BY seq, message_id
    LIMIT 1 BY message_id
) AS e
GLOBAL ANY LEFT JOIN (
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = @project
    GROUP BY distinct_id
) AS i USING distinct_id
WHERE type = 'identify' AND traits != ''
ORDER BY timestamp, seq
