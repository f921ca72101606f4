-- Every person of a project, as their ids resolve now, with their
-- acquisition (report.AcquisitionOf): the columns of their first touch,
-- their earliest page or screen event by time and storage order, else
-- their earliest track event; and the day of their earliest event. Copies
-- of a message are alike, so they change none of it.
SELECT person,
    argMinIf(channel, rank, touch), argMinIf(utm_source, rank, touch), argMinIf(utm_medium, rank, touch),
    argMinIf(utm_campaign, rank, touch), argMinIf(utm_content, rank, touch), argMinIf(referrer_host, rank, touch),
    argMinIf(path, rank, touch),
    toString(toDate(toDateTime(intDiv(min(timestamp), 1000000), 'UTC'), 'UTC'))
FROM (
    SELECT if(person_id = '', distinct_id, person_id) AS person, timestamp,
        type IN ('page', 'screen', 'track') AS touch, (type = 'track', timestamp, seq) AS rank,
        channel, utm_source, utm_medium, utm_campaign, utm_content, referrer_host, path
    FROM (
        SELECT distinct_id, type, timestamp, seq, channel, utm_source, utm_medium, utm_campaign, utm_content, referrer_host, path
        FROM events
        WHERE project_id = @project
    ) AS e
    GLOBAL ANY LEFT JOIN (
        SELECT distinct_id, argMax(person_id, version) AS person_id
        FROM identities
        WHERE project_id = @project
        GROUP BY distinct_id
    ) AS i USING distinct_id
)
GROUP BY person
