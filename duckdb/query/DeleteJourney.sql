DELETE FROM journeys WHERE project_id = ? AND id = ?
