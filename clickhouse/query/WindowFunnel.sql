-- A funnel of event names by ClickHouse's own windowFunnel: how many persons
-- reach each level, the baseline `waymark bench funnel` measures reports
-- against. windowFunnel takes whole seconds (DateTime or UInt32), so the
-- window is in seconds. Events are read as stored, without choosing the
-- first copy of a message: that is the query a ClickHouse user would write
-- for data without duplicates, such as the demo's.
SELECT level, count() AS persons
FROM (
    SELECT if(person_id = '', distinct_id, person_id) AS person,
        windowFunnel(@window)(toUInt32(intDiv(timestamp, 1000000)){{range .}}, name = @step{{.}}{{end}}) AS level
    FROM (
        SELECT distinct_id, timestamp, name
        FROM events
        WHERE project_id = @project AND name IN @steps
    ) AS e
    GLOBAL ANY LEFT JOIN (
        SELECT distinct_id, argMax(person_id, version) AS person_id
        FROM identities
        WHERE project_id = @project
        GROUP BY distinct_id
    ) AS i USING distinct_id
    GROUP BY person
)
GROUP BY level
ORDER BY level
