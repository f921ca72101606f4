-- The first touch of a person, given all their distinct ids, as
-- Acquisitions.sql picks it: channel, campaign fields, referrer host and
-- path. No row when they have no page, screen or track event.
SELECT channel, utm_source, utm_medium, utm_campaign, utm_content, referrer_host, path
FROM events
WHERE project_id = ? AND distinct_id IN ? AND type IN ('page', 'screen', 'track')
ORDER BY type = 'track', timestamp, seq
LIMIT 1
