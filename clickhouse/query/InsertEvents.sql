-- Columns grouped by type: the writer sends each column whole.
INSERT INTO events (
    seq, message_hash, timestamp, received_at,
    original_timestamp, sent_at,
    revenue,
    project_id, message_id, type, name, distinct_id,
    user_id, anonymous_id, group_id, previous_id,
    url, host, path, title, referrer, referrer_host,
    utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, channel,
    browser, browser_version, os, os_version, device_type,
    ip, country, region, city,
    currency, properties, traits, context, integrations,
    properties_names, properties_texts, traits_names, traits_texts)
