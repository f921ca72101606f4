-- Merge a person into another: every id of the first now resolves to the
-- second. The moved ids go to the report index.
UPDATE identities SET person_id = ? WHERE project_id = ? AND person_id = ?
RETURNING distinct_id
