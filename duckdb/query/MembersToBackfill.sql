-- The JSON objects of the events in a range of seq, for backfillMembers.
SELECT seq, coalesce(properties, ''), coalesce(traits, '')
FROM events
WHERE seq >= $from AND seq < $to AND (properties IS NOT NULL OR traits IS NOT NULL)
