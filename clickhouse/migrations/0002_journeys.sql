-- Saved journey maps, append-only like identities: saving a journey adds a
-- row with its definition (the JSON text the API takes), deleting it adds a
-- row with deleted = 1, and a journey's current row is the one with the
-- highest seq, from the writer's clock as for events. updated_at is when it
-- was saved, Int64 microseconds. A cluster shards by journey, so every row
-- of one journey lives on one shard.
CREATE TABLE IF NOT EXISTS {{table "journeys"}} (
    project_id String,
    id         String,
    definition String,
    deleted    UInt8,
    updated_at Int64,
    seq        Int64
) ENGINE = MergeTree ORDER BY (project_id, id, seq);
{{distribute "journeys" "sipHash64(project_id, id)"}};
