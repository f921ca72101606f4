-- The stored messages whose hashes are given: candidates for duplicates, to
-- be confirmed by project and messageId.
SELECT project_id, message_id
FROM events
WHERE list_contains(?::BIGINT[], message_hash)
