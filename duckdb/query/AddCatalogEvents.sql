-- What a write adds to the counts of event names, given as lists of equal
-- length: one entry per (project, type, name).
INSERT INTO catalog_events (project_id, type, name, events, first_seen, last_seen)
SELECT unnest($projects::VARCHAR[]), unnest($types::VARCHAR[]), unnest($names::VARCHAR[]),
    unnest($events::BIGINT[]), unnest($firsts::TIMESTAMP[]), unnest($lasts::TIMESTAMP[])
ON CONFLICT (project_id, type, name) DO UPDATE SET
    events = catalog_events.events + excluded.events,
    first_seen = least(catalog_events.first_seen, excluded.first_seen),
    last_seen = greatest(catalog_events.last_seen, excluded.last_seen)
