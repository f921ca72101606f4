-- Waymark's schema on ClickHouse 18.16 or newer. The template function
-- table names a table that is sharded on a cluster: there it becomes
-- DB.x_local ON CLUSTER, and distribute adds the Distributed table DB.x over
-- it, sharded by the given key. On a single server x is a plain MergeTree
-- table and distribute adds nothing. Statements must stay
-- idempotent: several collectors may start against a new database at once.
--
-- All times are Int64 microseconds since the Unix epoch, UTC: 18.16 has no
-- DateTime64, and microseconds are what the embedded engine keeps.
-- Absent strings are empty strings.

-- Projects own the keys: a write key only sends events, a read key only queries.
CREATE TABLE IF NOT EXISTS {{table "projects"}} (
    id         String,
    name       String,
    write_key  String,
    read_key   String,
    created_at Int64
) ENGINE = MergeTree ORDER BY id;
{{distribute "projects" "rand()"}};

-- One row per stored copy of a message. Writers skip messages they know are
-- stored, but two collectors may both store a retried message, so readers keep
-- the first copy of each message_id (lowest seq). seq orders storage across
-- collectors: nanoseconds of the writer's clock, increasing per writer.
-- Rows are sorted by distinct id and time, so one person's events are a few
-- range reads; a cluster shards by the device (anonymousId, else userId), so
-- a device's whole journey, before and after sign-up, lives on one shard and
-- every copy of a message lands on the same shard.
CREATE TABLE IF NOT EXISTS {{table "events"}} (
    seq                Int64,
    project_id         String,
    message_id         String,
    message_hash       Int64,
    type               String,
    name               String,
    distinct_id        String,
    user_id            String,
    anonymous_id       String,
    group_id           String,
    previous_id        String,
    timestamp          Int64,
    original_timestamp Nullable(Int64),
    sent_at            Nullable(Int64),
    received_at        Int64,
    url                String,
    host               String,
    path               String,
    title              String,
    referrer           String,
    referrer_host      String,
    utm_source         String,
    utm_medium         String,
    utm_campaign       String,
    utm_term           String,
    utm_content        String,
    click_id           String,
    channel            String,
    browser            String,
    browser_version    String,
    os                 String,
    os_version         String,
    device_type        String,
    ip                 String,
    country            String,
    region             String,
    city               String,
    revenue            Nullable(Float64),
    currency           String,
    properties         String,
    traits             String,
    context            String,
    integrations       String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(timestamp, 1000000)))
ORDER BY (project_id, distinct_id, timestamp);
{{distribute "events" "sipHash64(project_id, if(anonymous_id = '', user_id, anonymous_id))"}};

-- The links identify and alias calls make, one row per end, so that the ids
-- connected to a set of ids are one indexed lookup. Identity rows are
-- recomputed from them (see identities).
CREATE TABLE IF NOT EXISTS {{table "identity_links"}} (
    project_id String,
    id         String,
    from_id    String,
    into_id    String,
    alias      UInt8,
    seq        Int64,
    message_id String
) ENGINE = MergeTree ORDER BY (project_id, id);
{{distribute "identity_links" "sipHash64(project_id, id)"}};

-- The identity table, as in the embedded engine, but append-only: a row's
-- current value is the one with the highest version. A writer recomputes a
-- whole connected set of links at once and stamps its rows with the number of
-- links it saw; links are never removed, so a later computation saw more
-- links and wins, whichever collector wrote it.
CREATE TABLE IF NOT EXISTS {{table "identities"}} (
    project_id  String,
    distinct_id String,
    person_id   String,
    is_user     UInt8,
    version     UInt64
) ENGINE = MergeTree ORDER BY (project_id, distinct_id);
{{distribute "identities" "sipHash64(project_id, distinct_id)"}};

-- Dead letters: messages that failed validation, with the reason.
CREATE TABLE IF NOT EXISTS {{table "rejected"}} (
    project_id  String,
    message_id  String,
    reason      String,
    payload     String,
    received_at Int64,
    seq         Int64
) ENGINE = MergeTree ORDER BY (project_id, received_at, seq);
{{distribute "rejected" "rand()"}};
