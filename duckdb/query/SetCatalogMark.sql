-- The catalog now counts every event up to $1.
UPDATE catalog_mark SET seq = $1
