-- The events a report reads (see report.Query): those of a project in a time
-- range, each with the bits of the touchpoints it matches and the breakdown
-- value, and the person its distinct id resolves to now, in person, time and
-- storage order. A template: storage.CompileHits writes the fields, the mask
-- and the value. JSON members are read from the lists the writer stores
-- beside the JSON (storage.Dialect.Member).
WITH fields AS (
    SELECT distinct_id, timestamp, seq{{range .Fields}}, {{.SQL}} AS {{.Name}}{{end}}
    FROM events
    WHERE project_id = $project
      AND ($from IS NULL OR timestamp >= $from)
      AND ($to IS NULL OR timestamp < $to)
      AND {{.Selects}}
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
