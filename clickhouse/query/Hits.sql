-- The events a report reads (see report.Query): those of a project in a time
-- range, each with the bits of the touchpoints it matches and the breakdown
-- value, and the person its distinct id resolves to now, in person, time and
-- storage order. A template: storage.CompileHits writes the fields, which
-- the innermost query reads, each shard of a cluster for its own events, and
-- the mask and value, from the fields. JSON members are read by regular
-- expressions, as written (see storage/json.go); half a surrogate pair
-- becomes U+FFFD, as in Go, before visitParamExtractString decodes strings:
-- given half a pair, it returns nothing or garbage.
--
-- The first copy of each message is chosen among all its copies, as export
-- chooses it, before the range and the touchpoints apply; but only messages
-- with a copy that may be a hit (storage.HitsSQL.Selects) are read.
SELECT if(person_id = '', distinct_id, person_id) AS person, timestamp, seq, mask, value
FROM (
    -- Conditions read the fields as columns of the query below, not as
    -- aliases: ClickHouse pastes an alias's expression wherever it is used,
    -- and analysing a mask of pasted member lookups took half a second for
    -- twelve touchpoints.
    SELECT distinct_id, timestamp, seq, {{.Mask}} AS mask, {{.Value}} AS value
    FROM (
        SELECT distinct_id, timestamp, seq{{range .Objects}},
            -- if() computes both of its branches for every row, so rows
            -- that need no members give the expressions below nothing to read.
            if({{.Needed}}, {{.Name}}, '') AS {{.Name}}_needed,
            if(match({{.Name}}_needed, @json_object),
                arrayStringConcat(arrayMap(part -> if(match(part, @json_lone_surrogate), '\\ufffd', part), extractAll({{.Name}}_needed, @json_escapes))),
                '') AS {{.Name}}_object,
            arrayMap(token -> visitParamExtractString(concat('{"":', token, '}'), ''),
                extractAll({{.Name}}_object, @json_member_name)) AS {{.Name}}_names,
            arrayMap(token -> multiIf(
                    startsWith(token, '"'), visitParamExtractString(concat('{"":', token, '}'), ''),
                    token = 'null', '',
                    token),
                extractAll({{.Name}}_object, @json_member_value)) AS {{.Name}}_texts{{end}}{{range .Fields}},
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
