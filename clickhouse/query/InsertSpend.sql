INSERT INTO spend (project_id, field, value, day, amount, seq)
