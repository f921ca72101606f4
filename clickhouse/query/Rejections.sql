-- A project's dead letters, oldest first.
SELECT message_id, reason, payload, received_at
FROM rejected
WHERE project_id = ?
ORDER BY received_at, seq
