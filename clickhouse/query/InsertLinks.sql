INSERT INTO identity_links (project_id, id, from_id, into_id, alias, seq, message_id)
