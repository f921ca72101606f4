-- The events a report reads (see report.Query): those of a project in a time
-- range, each with the bits of the touchpoints it matches and the breakdown
-- value, and the person its distinct id resolves to now, in person, time and
-- storage order. A template: storage.CompileHits writes the fields, the mask
-- and the value. JSON members are read by regular expressions, as written
-- (see storage/json.go), and only in rows that need them (see
-- storage.Object); half a surrogate pair becomes U+FFFD, as in Go, before
-- json_extract_string, which fails on it, decodes strings.
WITH selected AS (
    SELECT * FROM events
    WHERE project_id = $project
      AND ($from IS NULL OR timestamp >= $from)
      AND ($to IS NULL OR timestamp < $to)
      AND {{.Selects}}
), objects AS (
    SELECT *{{range .Objects}},
        CASE
            WHEN NOT {{.Needed}} THEN ''
            WHEN NOT regexp_matches(coalesce({{.Name}}, ''), $json_object) THEN ''
            WHEN NOT contains({{.Name}}, '\u') THEN {{.Name}}
            ELSE array_to_string(list_transform(regexp_extract_all({{.Name}}, $json_escapes),
                part -> CASE WHEN regexp_matches(part, $json_lone_surrogate) THEN '\ufffd' ELSE part END), '')
        END AS {{.Name}}_object{{end}}
    FROM selected
), members AS (
    SELECT *{{range .Objects}},
        CASE WHEN {{.Name}}_object = '' THEN [] ELSE
            list_transform(regexp_extract_all({{.Name}}_object, $json_member_name, 1),
                token -> json_extract_string(token, '$'))
        END AS {{.Name}}_names,
        CASE WHEN {{.Name}}_object = '' THEN [] ELSE
            list_transform(regexp_extract_all({{.Name}}_object, $json_member_value, 1),
                token -> CASE
                    WHEN starts_with(token, '"') THEN json_extract_string(token, '$')
                    WHEN token = 'null' THEN ''
                    ELSE token
                END)
        END AS {{.Name}}_texts{{end}}
    FROM objects
), fields AS (
    SELECT *{{range .Fields}}, {{.SQL}} AS {{.Name}}{{end}}
    FROM members
), hits AS (
    SELECT distinct_id, timestamp, seq, {{.Mask}} AS mask, {{.Value}} AS value
    FROM fields
)
SELECT coalesce(i.person_id, h.distinct_id) AS person, h.timestamp, h.seq, h.mask, h.value
FROM hits h
LEFT JOIN identities i ON i.project_id = $project AND i.distinct_id = h.distinct_id
{{- if not .AllEvents}}
WHERE h.mask <> 0
{{- end}}
ORDER BY person, h.timestamp, h.seq
