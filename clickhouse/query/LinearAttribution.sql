-- Linear attribution in ClickHouse's own SQL, with groupArray and array
-- functions: the baseline `waymark bench attribution` measures reports
-- against, computing what report.RunAttribution computes for the model
-- linear with the default touches (page and screen events) and a conversion
-- of one event name. A template: Column is the touch field's column.
-- Events are read as stored, without choosing the first copy of a message,
-- as a ClickHouse user would for data without duplicates, such as the demo's.
--
-- From the inside out: each event with its person; per person, the touch
-- events in order cut into sessions at gaps longer than @gap; per session,
-- its first event with a value, and each conversion on its own; per person,
-- those in time and storage order (a touch before a conversion at the same
-- event), each touch numbered with the conversion after it; per
-- conversion, the values of its touches within @lookback, each worth 1/n of
-- the conversion and its revenue, or (none) when there are none. 18.16's
-- lambdas do not see the columns of the query around them, so every array
-- a lambda reads is an argument, and a scalar an array of copies.
SELECT credited, sum(share) AS credit, sum(share * worth) AS credit_revenue
FROM (
    SELECT if(empty(kept), ['(none)'], kept) AS credited_values, 1 / greatest(length(kept), 1) AS share, worth
    FROM (
        SELECT arrayFilter((v, t, c) -> c - t <= @lookback, touch_values, touch_times, arrayResize(emptyArrayInt64(), length(touch_times), converted_at)) AS kept, worth
        FROM (
            SELECT maxIf(item.1, item.3 = 1) AS converted_at, maxIf(item.5, item.3 = 1) AS worth,
                groupArrayIf(item.4, item.3 = 0) AS touch_values, groupArrayIf(item.1, item.3 = 0) AS touch_times
            FROM (
                SELECT person, path, journeys
                FROM (
                    SELECT person,
                        arraySort(x -> (x.1, x.2, x.3), groupArray((at, at_seq, kind, touch_value, revenue))) AS path,
                        arrayMap((x, s) -> if(x.3 = 1, s, s + 1), path, arrayCumSum(arrayMap(x -> x.3, path))) AS journeys
                    FROM (
                        SELECT person, kind,
                            if(kind = 0, argMinIf((item.1, item.2, item.3), (item.1, item.2), item.3 != ''), min((item.1, item.2, item.3))) AS first,
                            first.1 AS at, first.2 AS at_seq, first.3 AS touch_value, max(item.6) AS revenue
                        FROM (
                            SELECT person,
                                arraySort(x -> (x.1, x.2), groupArrayIf((timestamp, seq, value), touch)) AS candidates,
                                arrayCumSum(arrayMap((c, p, k) -> k = 1 OR c.1 - p.1 > @gap, candidates,
                                    arrayPushFront(arrayPopBack(candidates), (toInt64(0), toInt64(0), '')), arrayEnumerate(candidates))) AS sessions,
                                groupArrayIf((timestamp, seq, revenue), conversion) AS conversions,
                                arrayConcat(
                                    arrayMap((c, s) -> (c.1, c.2, c.3, s, toUInt8(0), toFloat64(0)), candidates, sessions),
                                    arrayMap(c -> (c.1, c.2, '', toUInt64(0), toUInt8(1), c.3), conversions)
                                ) AS items
                            FROM (
                                SELECT if(person_id = '', distinct_id, person_id) AS person, timestamp, seq, touch, conversion, value, revenue
                                FROM (
                                    SELECT distinct_id, timestamp, seq, type IN ('page', 'screen') AS touch, name = @conversion AS conversion,
                                        {{.Column}} AS value, ifNull(revenue, 0) AS revenue
                                    FROM events
                                    WHERE project_id = @project AND (type IN ('page', 'screen') OR name = @conversion)
                                ) AS e
                                GLOBAL ANY LEFT JOIN (
                                    SELECT distinct_id, argMax(person_id, version) AS person_id
                                    FROM identities
                                    WHERE project_id = @project
                                    GROUP BY distinct_id
                                ) AS i USING distinct_id
                            )
                            GROUP BY person
                        )
                        ARRAY JOIN items AS item
                        GROUP BY person, item.5 AS kind, if(kind = 0, item.4, toUInt64(item.2)) AS unit
                        HAVING kind = 1 OR countIf(item.3 != '') > 0
                    )
                    GROUP BY person
                )
            )
            ARRAY JOIN path AS item, journeys AS journey
            GROUP BY person, journey
            HAVING countIf(item.3 = 1) = 1
        )
    )
)
ARRAY JOIN credited_values AS credited
GROUP BY credited
ORDER BY credit DESC, credited
