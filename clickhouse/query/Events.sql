-- Stored events of a project, the first copy of each message, with the
-- person each resolves to now and its seq: a template of what
-- storage.EventChunk narrows in SQL. Without narrowing it is the export:
-- every event in the order it was stored. The first copy is chosen among
-- all copies of a message, as export chooses it, before the narrowing
-- applies; but only messages with a copy that may pass are read, found by
-- their hashes, which every copy shares and a column of integers holds. With
-- Copies, the messages are those of the hashes given, the candidates of a
-- newest-first chunk (EventCandidates), which the caller picks out.
{{define "narrow"}}{{if .Person}} AND distinct_id IN @ids{{end}}{{if .Type}} AND type = @type{{end}}{{if .Name}} AND name = @name{{end}}{{if .From}} AND timestamp >= @from{{end}}{{if .To}} AND timestamp < @to{{end}}{{if .After}} AND seq > @after{{end}}{{end}}
SELECT
    message_id, type, name, user_id, anonymous_id, group_id, previous_id,
    timestamp, original_timestamp, sent_at, received_at,
    url, host, path, title, referrer, referrer_host,
    utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, channel,
    browser, browser_version, os, os_version, device_type,
    ip, country, region, city,
    revenue, currency,
    properties, traits, context, integrations,
    if(person_id = '', distinct_id, person_id) AS person, seq
FROM (
    SELECT *
    FROM events
    WHERE project_id = @project{{if .Copies}} AND message_hash IN @hashes{{else if .Narrowed}} AND message_hash GLOBAL IN (
        SELECT message_hash FROM events WHERE project_id = @project{{template "narrow" .}}
    ){{end}}
    ORDER BY seq, message_id
    LIMIT 1 BY message_id
) AS e
GLOBAL ANY LEFT JOIN (
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = @project{{if .Copies}} AND distinct_id GLOBAL IN (
        SELECT distinct_id FROM events WHERE project_id = @project AND message_hash IN @hashes
    ){{else if .Person}} AND distinct_id IN @ids{{end}}
    GROUP BY distinct_id
) AS i USING distinct_id
{{if and .Narrowed (not .Copies)}}WHERE 1 = 1{{template "narrow" .}}
{{end}}ORDER BY {{if .Newest}}timestamp DESC, seq DESC, message_id DESC{{else}}seq, message_id{{end}}
