-- The schema catalog: a summary of each project's events that every write
-- updates in its own transaction, so that listing event names and keys
-- costs a look at a few rows however many events there are. Built here
-- from the events stored before; building again gives the same rows.
CREATE TABLE IF NOT EXISTS catalog_events (
    project_id VARCHAR NOT NULL,
    type       VARCHAR NOT NULL,
    name       VARCHAR NOT NULL, -- '' for page and screen events without a name
    events     BIGINT NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, type, name)
);

-- How many events of a type and name have each top-level key in their
-- properties or traits (object).
CREATE TABLE IF NOT EXISTS catalog_keys (
    project_id VARCHAR NOT NULL,
    type       VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    object     VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    events     BIGINT NOT NULL,
    PRIMARY KEY (project_id, type, name, object, key)
);

DELETE FROM catalog_events;
DELETE FROM catalog_keys;

INSERT INTO catalog_events
SELECT project_id, type, coalesce(name, ''), count(*), min(timestamp), max(timestamp)
FROM events
GROUP BY ALL;

INSERT INTO catalog_keys
SELECT project_id, type, name, object, key, count(*)
FROM (
    SELECT project_id, type, coalesce(name, '') AS name, 'properties' AS object, unnest(properties_names) AS key FROM events
    UNION ALL
    SELECT project_id, type, coalesce(name, '') AS name, 'traits' AS object, unnest(traits_names) AS key FROM events
)
GROUP BY ALL;
