SELECT definition, updated_at FROM journeys WHERE project_id = ? AND id = ?
