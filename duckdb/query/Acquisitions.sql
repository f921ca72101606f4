-- Every person of a project, as their ids resolve now, with their
-- acquisition (report.AcquisitionOf): the columns of their first touch,
-- their earliest page or screen event by time and storage order, else
-- their earliest track event; and the day of their earliest event.
SELECT person,
    coalesce(touch.channel, ''), coalesce(touch.utm_source, ''), coalesce(touch.utm_medium, ''),
    coalesce(touch.utm_campaign, ''), coalesce(touch.utm_content, ''), coalesce(touch.referrer_host, ''),
    coalesce(touch.path, ''), strftime(first, '%Y-%m-%d')
FROM (
    SELECT person, min(timestamp) AS first,
        arg_min({'channel': channel, 'utm_source': utm_source, 'utm_medium': utm_medium, 'utm_campaign': utm_campaign,
            'utm_content': utm_content, 'referrer_host': referrer_host, 'path': path}, rank)
            FILTER (WHERE rank IS NOT NULL) AS touch
    FROM (
        SELECT coalesce(i.person_id, e.distinct_id) AS person, e.timestamp,
            e.channel, e.utm_source, e.utm_medium, e.utm_campaign, e.utm_content, e.referrer_host, e.path,
            CASE WHEN e.type IN ('page', 'screen') THEN (0, e.timestamp, e.seq)
                WHEN e.type = 'track' THEN (1, e.timestamp, e.seq) END AS rank
        FROM events e
        LEFT JOIN identities i ON i.project_id = e.project_id AND i.distinct_id = e.distinct_id
        WHERE e.project_id = $project
    )
    GROUP BY person
)
