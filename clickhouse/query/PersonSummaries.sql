-- For each person given, with @ids all their ids (see Members): when they
-- were first and last seen, their events, each message once, and the
-- traits objects of their identify calls, oldest first.
SELECT person, min(timestamp), max(timestamp), uniqExact(message_id),
    arrayMap(x -> x.3, arraySort(x -> (x.1, x.2),
        groupArrayIf((timestamp, seq, traits), type = 'identify' AND traits != '')))
FROM (
    SELECT if(person_id = '', distinct_id, person_id) AS person, distinct_id, timestamp, seq, message_id, type, traits
    FROM events
    GLOBAL ANY LEFT JOIN (
        SELECT distinct_id, argMax(person_id, version) AS person_id
        FROM identities
        WHERE project_id = @project AND distinct_id IN @ids
        GROUP BY distinct_id
    ) AS i USING distinct_id
    WHERE project_id = @project AND distinct_id IN @ids
)
WHERE person IN @persons
GROUP BY person
