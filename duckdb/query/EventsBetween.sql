-- The stored events of a project within a stretch of storage order, for the
-- report index to catch up with (see columnar.Source), in the columns of Events.sql; the index resolves
-- persons itself. No ORDER BY: the
-- index sorts, and a sort here would hold the whole stretch.
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
    '' AS person_id, e.seq
FROM events e
WHERE e.project_id = ? AND e.seq > ? AND e.seq <= ?
