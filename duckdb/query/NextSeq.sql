-- The storage sequence number of the next event.
SELECT coalesce(max(seq), 0) + 1 FROM events
