-- An ordered funnel by ClickHouse's own windowFunnel: how many persons
-- reach each level, the baseline `waymark bench funnel` measures reports
-- against. A step is a type, a name and a property's value, each when
-- given, as a ClickHouse user would write them by hand. windowFunnel takes
-- whole seconds (DateTime or UInt32), so the window is in seconds. Events
-- are read as stored, without choosing the first copy of a message: that is
-- the query a ClickHouse user would write for data without duplicates, such
-- as the demo's. Only the events of the steps' names, and of the types of
-- steps without a name, are read.
{{define "step"}}{{$i := .Index}}({{with .Step}}{{if .Type}}type = @type{{$i}}{{else}}1{{end}}{{if .Name}} AND name = @name{{$i}}{{end}}{{if .Property}} AND visitParamExtractString(properties, @property{{$i}}) = @value{{$i}}{{end}}{{end}}){{end -}}
SELECT level, count() AS persons
FROM (
    SELECT if(person_id = '', distinct_id, person_id) AS person,
        windowFunnel(@window)(toUInt32(intDiv(timestamp, 1000000)){{range .Steps}}, {{template "step" .}}{{end}}) AS level
    FROM (
        SELECT distinct_id, timestamp, type, name, properties
        FROM events
        WHERE project_id = @project AND ({{if .ByName}}name IN @names{{end}}{{if and .ByName .ByType}} OR {{end}}{{if .ByType}}type IN @types{{end}})
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
