-- A page of the persons with a distinct id, or a top-level value of an
-- identify call's traits as fields read it, that contains @text, which is
-- in lower case, ignoring case: those with an id of their events equal to
-- it first, then the most recently seen. Every id and event of a person
-- counts, after identity merges. A template only to name its parts: "current" is the current identity
-- rows of the matching ids or of the members.
{{define "current"}}
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = @project AND distinct_id GLOBAL IN ({{if eq . "matches"}}{{template "matches"}}{{else}}{{template "members"}}{{end}})
    GROUP BY distinct_id
{{end}}{{define "matches"}}
    SELECT distinct_id
    FROM events
    WHERE project_id = @project AND (position(lowerUTF8(distinct_id), @text) > 0
        OR type = 'identify' AND arrayExists(v -> position(lowerUTF8(v), @text) > 0, traits_texts))
    UNION ALL
    SELECT distinct_id FROM identities WHERE project_id = @project AND position(lowerUTF8(distinct_id), @text) > 0
{{end}}{{define "persons"}}
    SELECT if(person_id = '', distinct_id, person_id) AS person
    FROM ({{template "matches"}}) AS m
    GLOBAL ANY LEFT JOIN ({{template "current" "matches"}}) AS i USING distinct_id
{{end}}{{define "members"}}
    SELECT distinct_id
    FROM identities
    WHERE project_id = @project AND distinct_id GLOBAL IN (
        SELECT distinct_id FROM identities WHERE project_id = @project AND person_id GLOBAL IN ({{template "persons"}}))
    GROUP BY distinct_id
    HAVING argMax(person_id, version) GLOBAL IN ({{template "persons"}})
    UNION ALL
    {{template "persons"}}
{{end}}
SELECT person
FROM (
    SELECT if(person_id = '', distinct_id, person_id) AS person,
        max(lowerUTF8(distinct_id) = @text) AS exact, max(timestamp) AS last_seen
    FROM events
    GLOBAL ANY LEFT JOIN ({{template "current" "members"}}) AS i USING distinct_id
    WHERE project_id = @project AND distinct_id GLOBAL IN ({{template "members"}})
    GROUP BY person
)
ORDER BY exact DESC, last_seen DESC, person
LIMIT @limit
