INSERT INTO events (
    seq, project_id, message_id, message_hash, type, name, distinct_id,
    user_id, anonymous_id, group_id, previous_id,
    timestamp, original_timestamp, sent_at, received_at,
    url, host, path, title, referrer, referrer_host,
    utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, channel,
    browser, browser_version, os, os_version, device_type,
    ip, country, region, city,
    revenue, currency,
    properties, traits, context, integrations)
