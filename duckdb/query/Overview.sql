-- The overview figures of a project's events in [$from, $to) as
-- report.OverviewRow values: the totals, and with Details a group per
-- bucket and per value of each top list (rows of an empty value are
-- dropped by the caller); then the persons whose first event ever is in
-- the range. Persons are those events resolve to now.
WITH e AS MATERIALIZED (
    SELECT coalesce(i.person_id, e.distinct_id) AS person, e.name, e.revenue{{if .Details}},
        (epoch_us(e.timestamp) - $origin) // $width AS bucket,
        e.channel, e.utm_campaign,
        CASE WHEN e.type = 'page' THEN e.path END AS page,
        CASE WHEN e.type = 'track' THEN e.name END AS event{{end}}
    FROM events e
    LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
    WHERE e.project_id = $project AND e.timestamp >= $from AND e.timestamp < $to
)
SELECT
    {{if .Details}}CASE
        WHEN GROUPING(bucket) = 0 THEN 'bucket'
        WHEN GROUPING(channel) = 0 THEN 'channel'
        WHEN GROUPING(utm_campaign) = 0 THEN 'campaign'
        WHEN GROUPING(page) = 0 THEN 'page'
        WHEN GROUPING(event) = 0 THEN 'event'
        ELSE 'total' END,
    coalesce(CAST(bucket AS VARCHAR), channel, utm_campaign, page, event, ''){{else}}'total', ''{{end}},
    count(*), count(DISTINCT person), count(DISTINCT CASE WHEN $goal <> '' AND name = $goal THEN person END),
    coalesce(sum(revenue), 0)
FROM e{{if .Details}}
GROUP BY GROUPING SETS ((), (bucket), (channel), (utm_campaign), (page), (event)){{end}}
UNION ALL
SELECT 'new', '', 0, count(*), 0, 0
FROM (
    SELECT coalesce(i.person_id, e.distinct_id) AS person
    FROM events e
    LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
    WHERE e.project_id = $project AND e.timestamp < $to
    GROUP BY person
    HAVING min(e.timestamp) >= $from
)
