INSERT INTO identities (project_id, distinct_id, person_id, is_user, version)
