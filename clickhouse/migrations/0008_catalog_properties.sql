-- The catalog counts the keys of properties alone: trait keys are counted
-- by person over identify calls (TraitKeys.sql), so the view that keeps the
-- catalog no longer adds rows for traits. ClickHouse cannot change a
-- view's query: the new view is created before the old one is dropped, so
-- that a block inserted in between counts twice rather than not at all
-- (when upgrading while other collectors write, start one collector first,
-- as for 0004). The rows for traits written before stay, unread: deleting
-- them would rewrite the catalog on every shard.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "catalog_properties_mv"}} TO {{local "catalog"}} AS
SELECT project_id, type, name, tupleElement(member, 1) AS object, tupleElement(member, 2) AS key,
    sumState(toUInt64(1)) AS events, minState(timestamp) AS first_seen, maxState(timestamp) AS last_seen
FROM {{local "events"}}
ARRAY JOIN arrayConcat([('', '')], arrayMap(x -> ('properties', x), properties_names)) AS member
GROUP BY project_id, type, name, object, key;

DROP TABLE IF EXISTS {{table "catalog_mv"}};
