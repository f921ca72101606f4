-- The lowest and highest seq of stored events.
SELECT coalesce(min(seq), 0), coalesce(max(seq), -1) FROM events
