-- The highest seq stored, of any project, or -1 when there is none: how
-- far the report index has to catch up.
SELECT coalesce(max(seq), -1) FROM events
