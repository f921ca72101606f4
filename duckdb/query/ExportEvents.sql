-- Every stored event of a project, in the order it was stored, with the
-- person it resolves to today.
SELECT
    e.message_id, e.type, e.name, e.user_id, e.anonymous_id, e.group_id, e.previous_id,
    e.timestamp, e.original_timestamp, e.sent_at, e.received_at,
    e.url, e.host, e.path, e.title, e.referrer, e.referrer_host,
    e.utm_source, e.utm_medium, e.utm_campaign, e.utm_term, e.utm_content, e.click_id, e.channel,
    e.browser, e.browser_version, e.os, e.os_version, e.device_type,
    e.ip, e.country, e.region, e.city,
    e.revenue, e.currency,
    e.properties, e.traits, e.context, e.integrations,
    coalesce(i.person_id, e.distinct_id) AS person_id
FROM events e
LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
WHERE e.project_id = ?
ORDER BY e.seq
