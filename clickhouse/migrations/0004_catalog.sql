-- The schema catalog: a summary of each project's events, so that listing
-- event names and keys costs a look at a few rows however many events
-- there are. One table holds both kinds of rows, to keep the DDL short on a
-- cluster: object '' counts the events of a type and name; object
-- properties or traits with a key counts those of its events that have
-- the key. A materialized view keeps it: every block inserted into the
-- events of a shard adds its counts to the catalog on that shard,
-- whichever collector, of whatever version, sent it. Readers merge the
-- states of a key (sumMerge, minMerge, maxMerge). A message stored twice
-- (two collectors taking a retry at the same moment) counts twice here;
-- reports count it once.
--
-- The events stored before are counted once, those with a seq below the
-- time this migration started, just before the view exists. An event that
-- a writer numbered before that but inserted after the view was created
-- counts twice: when upgrading a database while other collectors write,
-- start one collector first.

CREATE TABLE IF NOT EXISTS {{table "catalog"}} (
    project_id String,
    type       String,
    name       String,
    object     String,
    key        String,
    events     AggregateFunction(sum, UInt64),
    first_seen AggregateFunction(min, Int64),
    last_seen  AggregateFunction(max, Int64)
) ENGINE = AggregatingMergeTree ORDER BY (project_id, type, name, object, key);
{{distribute "catalog" "rand()"}};

{{define "counts" -}}
SELECT project_id, type, name, tupleElement(member, 1) AS object, tupleElement(member, 2) AS key,
    sumState(toUInt64(1)) AS events, minState(timestamp) AS first_seen, maxState(timestamp) AS last_seen
FROM {{.}}
ARRAY JOIN arrayConcat([('', '')], arrayMap(x -> ('properties', x), properties_names),
    arrayMap(x -> ('traits', x), traits_names)) AS member
{{- end}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "catalog_mv"}} TO {{local "catalog"}} AS
{{template "counts" local "events"}}
GROUP BY project_id, type, name, object, key;

INSERT INTO catalog
{{template "counts" "events"}}
WHERE seq < {{.Now}}
GROUP BY project_id, type, name, object, key;
