-- Paths by hand with ClickHouse's array functions: the baseline `waymark
-- bench paths` measures paths reports against. Each person's events, in
-- time and storage order, are one array (groupArray); the path starts at
-- their first event of type @startType, named by the event's name (or
-- @startLabel when it has none), and goes on through the events that have
-- a name (no node is named ''), repeats in a row collapsed, @steps nodes
-- deep. It answers the persons at each node (to_node empty) and on each
-- edge, by step. Persons are resolved through the same identity table as
-- reports; events are read as stored, without choosing the first copy of a
-- message, as the query a ClickHouse user would write for data without
-- duplicates, such as the demo's. Only events that can be on a path are
-- read.
SELECT step, from_node, to_node, count() AS persons
FROM (
    SELECT arrayJoin(arrayConcat(
            arrayMap(i -> (i - 1, path[i], ''), arrayEnumerate(path)),
            arrayMap(i -> (i - 1, path[i], path[i + 1]), arraySlice(arrayEnumerate(path), 1, length(path) - 1)))) AS item,
        tupleElement(item, 1) AS step, tupleElement(item, 2) AS from_node, tupleElement(item, 3) AS to_node
    FROM (
        -- Each node next to the one before it, rather than nodes[i - 1] in
        -- the lambda: a lambda that reads another array copies it for every
        -- element.
        SELECT arraySlice(arrayFilter((n, previous) -> n != previous, nodes, arrayPushFront(arrayPopBack(nodes), '')), 1, @steps) AS path
        FROM (
            SELECT arrayConcat(
                    [if(tupleElement(events[anchor], 3) = '', @startLabel, tupleElement(events[anchor], 3))],
                    arrayFilter(n -> n != '', arrayMap(e -> tupleElement(e, 3), arraySlice(events, anchor + 1)))) AS nodes
            FROM (
                SELECT arraySort(groupArray((timestamp, seq, name, type))) AS events,
                    arrayFirstIndex(e -> tupleElement(e, 4) = @startType, events) AS anchor
                FROM (
                    SELECT distinct_id, timestamp, seq, name, type
                    FROM events
                    WHERE project_id = @project AND (name != '' OR type = @startType)
                ) AS e
                GLOBAL ANY LEFT JOIN (
                    SELECT distinct_id, argMax(person_id, version) AS person_id
                    FROM identities
                    WHERE project_id = @project
                    GROUP BY distinct_id
                ) AS i USING distinct_id
                GROUP BY if(person_id = '', distinct_id, person_id)
            )
            WHERE anchor > 0
        )
    )
)
GROUP BY step, from_node, to_node
