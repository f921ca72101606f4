-- The overview figures of a project's events in [@from, @to) as
-- report.OverviewRow values: the totals, and with Details a group per
-- bucket and per value of each top list (rows of an empty value are
-- dropped by the caller); then the persons whose first event ever is in
-- the range. Persons are those events resolve to now. The first copy of
-- each message is chosen among all its copies, as export chooses it,
-- before the range applies.
{{define "identities"}}
    GLOBAL ANY LEFT JOIN (
        SELECT distinct_id, argMax(person_id, version) AS person_id
        FROM identities
        WHERE project_id = @project
        GROUP BY distinct_id
    ) AS i USING distinct_id
{{end}}
SELECT kind, value, toInt64(count()), toInt64(uniqExact(person)),
    toInt64(uniqExactIf(person, @goal != '' AND name = @goal)), sum(ifNull(revenue, 0))
FROM (
    SELECT arrayJoin([('total', ''){{if .Details}},
            ('bucket', toString(intDiv(timestamp - @origin, @width))),
            ('channel', channel), ('campaign', utm_campaign),
            ('page', if(type = 'page', path, '')), ('event', if(type = 'track', name, '')){{end}}]) AS group,
        group.1 AS kind, group.2 AS value, if(person_id = '', distinct_id, person_id) AS person, name, revenue
    FROM (
        SELECT distinct_id, type, name, revenue, timestamp, path, channel, utm_campaign
        FROM events
        WHERE project_id = @project AND message_id GLOBAL IN (
            SELECT message_id FROM events WHERE project_id = @project AND timestamp >= @from AND timestamp < @to)
        ORDER BY seq, message_id
        LIMIT 1 BY message_id
    ) AS e{{template "identities"}}
    WHERE timestamp >= @from AND timestamp < @to
)
GROUP BY kind, value
UNION ALL
SELECT 'new', '', toInt64(0), toInt64(count()), toInt64(0), toFloat64(0)
FROM (
    SELECT if(person_id = '', distinct_id, person_id) AS person, min(timestamp) AS first
    FROM (
        SELECT distinct_id, timestamp
        FROM events
        WHERE project_id = @project AND message_id GLOBAL IN (
            SELECT message_id FROM events WHERE project_id = @project AND timestamp < @to)
        ORDER BY seq, message_id
        LIMIT 1 BY message_id
    ) AS e{{template "identities"}}
    WHERE timestamp < @to
    GROUP BY person
    HAVING first >= @from
)
