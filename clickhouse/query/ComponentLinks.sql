-- The links among a closed set of ids, each message once, in storage order:
-- the order the identity rules apply them in.
SELECT from_id, into_id, alias
FROM identity_links
WHERE project_id = ? AND id IN ?
GROUP BY message_id, from_id, into_id, alias
ORDER BY min(seq), message_id
