-- Stored events of a project with the person each resolves to now and its
-- seq: a template of what storage.EventChunk narrows in SQL, the columns of
-- a report.EventQuery. Without them it is the export: every event, in the
-- order it was stored. Since bounds a newest-first chunk by the time of its
-- last event (see EventKeys); Through, with After, is a stretch of storage
-- order, which the report index catches up with. Absent strings come back
-- empty.
{{define "narrow"}}{{if .Person}}
  AND e.distinct_id IN (SELECT unnest($ids)){{end}}{{if .Type}}
  AND e.type = $type{{end}}{{if .Name}}
  AND e.name = $name{{end}}{{if .From}}
  AND e.timestamp >= $from{{end}}{{if .To}}
  AND e.timestamp < $to{{end}}{{if .After}}
  AND e.seq > $after{{end}}{{if .Before}}
  AND (e.timestamp < $before_time OR e.timestamp = $before_time AND (e.seq < $before_seq
       OR e.seq = $before_seq AND e.message_id < $before_message)){{end}}{{end}}
SELECT
    e.message_id, e.type, coalesce(e.name, ''), coalesce(e.user_id, ''), coalesce(e.anonymous_id, ''),
    coalesce(e.group_id, ''), coalesce(e.previous_id, ''),
    e.timestamp, e.original_timestamp, e.sent_at, e.received_at,
    coalesce(e.url, ''), coalesce(e.host, ''), coalesce(e.path, ''), coalesce(e.title, ''),
    coalesce(e.referrer, ''), coalesce(e.referrer_host, ''),
    coalesce(e.utm_source, ''), coalesce(e.utm_medium, ''), coalesce(e.utm_campaign, ''), coalesce(e.utm_term, ''),
    coalesce(e.utm_content, ''), coalesce(e.click_id, ''), coalesce(e.channel, ''),
    coalesce(e.browser, ''), coalesce(e.browser_version, ''), coalesce(e.os, ''), coalesce(e.os_version, ''),
    coalesce(e.device_type, ''),
    coalesce(e.ip, ''), coalesce(e.country, ''), coalesce(e.region, ''), coalesce(e.city, ''),
    e.revenue, coalesce(e.currency, ''),
    coalesce(e.properties, ''), coalesce(e.traits, ''), coalesce(e.context, ''), coalesce(e.integrations, ''),
    coalesce(i.person_id, e.distinct_id) AS person_id, e.seq
FROM events e
LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
WHERE e.project_id = $project{{template "narrow" .}}{{if .Since}}
  AND e.timestamp >= $since{{end}}{{if .Through}}
  AND e.seq <= $through{{end}}
{{if .Newest}}ORDER BY e.timestamp DESC, e.seq DESC, e.message_id DESC
LIMIT $limit{{else}}ORDER BY e.seq{{end}}
