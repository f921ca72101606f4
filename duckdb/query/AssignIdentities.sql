-- New identity rows, given as three lists of equal length.
INSERT INTO identities (project_id, distinct_id, person_id, is_user)
SELECT $project, unnest($ids::VARCHAR[]), unnest($persons::VARCHAR[]), unnest($users::BOOLEAN[])
