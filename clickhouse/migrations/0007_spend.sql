-- Ad spend, append-only like journeys: an import adds its rows, all with
-- the seq of the import from the writer's clock, and the current amount of
-- a (field, value, day) is its row with the highest seq. A cluster shards
-- by project, so an import is one insert into one shard, of fewer rows than
-- a block holds, which ClickHouse stores whole or not at all.
CREATE TABLE IF NOT EXISTS {{table "spend"}} (
    project_id String,
    field      String,
    value      String,
    day        Date,
    amount     Float64,
    seq        Int64
) ENGINE = MergeTree ORDER BY (project_id, field, value, day, seq);
{{distribute "spend" "sipHash64(project_id)"}};
