-- Stores a row of spend, or replaces the one of the same field, value and day.
INSERT INTO spend (project_id, field, value, day, amount)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (project_id, field, value, day) DO UPDATE SET amount = excluded.amount
