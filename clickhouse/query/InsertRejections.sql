INSERT INTO rejected (project_id, message_id, reason, payload, received_at, seq)
