-- The newest stored copies a newest-first chunk of events may show,
-- narrowed as Events narrows and after the cursor. Events then reads the
-- first copy of each of their messages, and a message belongs to the chunk
-- only when its first copy is one of these: every message whose first copy
-- is newer than the last candidate is then in the chunk, and the next chunk
-- starts after that candidate.
SELECT message_id, message_hash, timestamp, seq
FROM events
WHERE project_id = @project{{template "narrow" .}}{{if .Before}}
  AND (timestamp < @before_time OR timestamp = @before_time AND (seq < @before_seq
       OR seq = @before_seq AND message_id < @before_message)){{end}}
ORDER BY timestamp DESC, seq DESC, message_id DESC
LIMIT @limit
