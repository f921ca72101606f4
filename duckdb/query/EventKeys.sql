-- The order keys of the events a newest-first chunk shows, narrowed as
-- Events narrows and after the cursor. The last one's time bounds the
-- chunk: Events then reads the whole rows of the chunk from that time on
-- only. Sorting whole rows instead would read every column of every row.
SELECT e.timestamp, e.seq, e.message_id
FROM events e
WHERE e.project_id = $project{{template "narrow" .}}
ORDER BY e.timestamp DESC, e.seq DESC, e.message_id DESC
LIMIT $limit
