-- The events a report reads (see report.Query): those of a project in a time
-- range, each with the bits of the touchpoints it matches and the breakdown
-- value, and the person its distinct id resolves to now, in person, time and
-- storage order. A template: storage.CompileHits writes the fields, which
-- the innermost query reads, each shard of a cluster for its own events, and
-- the mask and value, from the fields. JSON members are read from the lists
-- stored beside the JSON (storage.Dialect.Member).
--
-- The first copy of each message is chosen among all its copies, as export
-- chooses it, before the range and the touchpoints apply; but only messages
-- with a copy that may be a hit (storage.HitsSQL.Selects) are read.
SELECT if(person_id = '', distinct_id, person_id) AS person, timestamp, seq, mask, value, revenue
FROM (
    -- Conditions read the fields as columns of the query below, not as
    -- aliases: ClickHouse pastes an alias's expression wherever it is used.
    SELECT distinct_id, timestamp, seq, {{.Mask}} AS mask, {{.Value}} AS value, ifNull(revenue, 0) AS revenue
    FROM (
        SELECT distinct_id, timestamp, seq, revenue{{range .Fields}},
            {{.SQL}} AS {{.Name}}{{end}}
        FROM events
        WHERE project_id = @project{{if not .AllEvents}} AND message_id GLOBAL IN (
            SELECT message_id FROM events
            WHERE project_id = @project AND timestamp >= @from AND timestamp < @to AND {{.Selects}}
        ){{end}}
        ORDER BY seq, message_id
        LIMIT 1 BY message_id
    )
    WHERE timestamp >= @from AND timestamp < @to{{if not .AllEvents}} AND mask != 0{{end}}
) AS e
GLOBAL ANY LEFT JOIN (
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = @project
    GROUP BY distinct_id
) AS i USING distinct_id
ORDER BY person, timestamp, seq
