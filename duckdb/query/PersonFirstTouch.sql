-- The first touch of a person, given all their distinct ids, as
-- Acquisitions.sql picks it: channel, campaign fields, referrer host and
-- path. No row when they have no page, screen or track event.
SELECT coalesce(channel, ''), coalesce(utm_source, ''), coalesce(utm_medium, ''), coalesce(utm_campaign, ''),
    coalesce(utm_content, ''), coalesce(referrer_host, ''), coalesce(path, '')
FROM events
WHERE project_id = $project AND list_contains($ids, distinct_id) AND type IN ('page', 'screen', 'track')
ORDER BY type = 'track', timestamp, seq
LIMIT 1
