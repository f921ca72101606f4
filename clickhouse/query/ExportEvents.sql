-- Every stored event of a project, the first copy of each message, in the
-- order it was stored, with the person it resolves to today.
SELECT
    message_id, type, name, user_id, anonymous_id, group_id, previous_id,
    timestamp, original_timestamp, sent_at, received_at,
    url, host, path, title, referrer, referrer_host,
    utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, channel,
    browser, browser_version, os, os_version, device_type,
    ip, country, region, city,
    revenue, currency,
    properties, traits, context, integrations,
    if(person_id = '', distinct_id, person_id) AS person
FROM (
    -- Not *, which would read the lists of members, and compute them for
    -- rows stored before migration 0003.
    SELECT message_id, type, name, distinct_id, user_id, anonymous_id, group_id, previous_id,
        timestamp, original_timestamp, sent_at, received_at,
        url, host, path, title, referrer, referrer_host,
        utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, channel,
        browser, browser_version, os, os_version, device_type,
        ip, country, region, city,
        revenue, currency,
        properties, traits, context, integrations, seq
    FROM events
    WHERE project_id = ?
    ORDER BY seq, message_id
    LIMIT 1 BY message_id
) AS e
GLOBAL ANY LEFT JOIN (
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = ?
    GROUP BY distinct_id
) AS i USING distinct_id
ORDER BY seq, message_id
