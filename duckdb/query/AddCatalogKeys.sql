-- What a write adds to the counts of keys, given as lists of equal length:
-- one entry per (project, type, name, object, key).
INSERT INTO catalog_keys (project_id, type, name, object, key, events)
SELECT unnest($projects::VARCHAR[]), unnest($types::VARCHAR[]), unnest($names::VARCHAR[]),
    unnest($objects::VARCHAR[]), unnest($keys::VARCHAR[]), unnest($events::BIGINT[])
ON CONFLICT (project_id, type, name, object, key) DO UPDATE SET
    events = catalog_keys.events + excluded.events
