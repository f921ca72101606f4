-- Merge a person into another: every id of the first now resolves to the second.
UPDATE identities SET person_id = ? WHERE project_id = ? AND person_id = ?
