-- The stored messages whose hashes are given: candidates for duplicates, to
-- be confirmed by project and messageId.
SELECT DISTINCT project_id, message_id
FROM events
WHERE message_hash IN ?
