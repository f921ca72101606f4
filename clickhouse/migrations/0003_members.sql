-- The top-level members of every event's properties and traits, as
-- report.Members reads them: each key once, in byte order, beside the text
-- of its last value. Reports read a member as texts[indexOf(names, key)],
-- exactly at any depth of nesting. Writers send the lists, computed in Go.
--
-- For the rows stored before, and for rows that a collector of an older
-- version still sends without the lists, each column's DEFAULT computes
-- the same lists in SQL, when the row is read, until a merge stores them:
-- ClickHouse 18.16 cannot run Go over its rows, and has no JSON parser
-- that keeps values as written. The expression splits the text into
-- tokens (strings, brackets, commas, colons and runs of anything else),
-- counts the depth of brackets before each token with arrayCumSum, and so
-- finds the commas and colons of the top-level object at any depth. Keys
-- and string values are decoded with visitParamExtractString, after
-- half a surrogate pair has become U+FFFD, as Go decodes it; other values
-- stay as written. Several
-- collectors may run this migration at once: the second ALTER finds the
-- columns there, and the runner takes that as done.

{{define "parts" -}}
arrayMap(tokens ->
    arrayMap(deltas ->
        arrayMap(depth ->
            arrayMap(separators ->
                arrayMap(member ->
                    arrayMap(colons ->
                        arrayMap(k -> arrayMap(part ->
                                replaceRegexpAll(arrayStringConcat(arrayFilter((t, m, c, s) -> NOT s AND m = k AND c = k + part,
                                    tokens, member, colons, separators)), '^[ \t\n\r]+|[ \t\n\r]+$', ''),
                            [0, 1]),
                            range(colons[-1])),
                        [arrayCumSum(arrayMap((t, s) -> s AND t = ':', tokens, separators))])[1],
                    [arrayCumSum(arrayMap((t, s) -> s AND t = ',', tokens, separators))])[1],
                [arrayMap((t, d, x) -> d = x OR (d - x = 1 AND (t = ',' OR t = ':' OR t = '}')), tokens, depth, deltas)])[1],
            [arrayCumSum(deltas)])[1],
        [arrayMap(t -> multiIf(t = '{' OR t = '[', 1, t = '}' OR t = ']', -1, 0), tokens)])[1],
    [extractAll(if(match({{.}}, '^[ \t\n\r]*\\{'), {{.}}, ''), '"(?:[^"\\\\]|\\\\.)*"|[{}\\[\\],:]|[^"{}\\[\\],:]+')])[1]
{{- end}}

{{define "decode" -}}
visitParamExtractString(concat('{"":',
    arrayStringConcat(arrayMap(part -> if(match(part, '^\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}$'), '\\ufffd', part),
        extractAll({{.}}, '\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\\\u[0-9a-fA-F]{4}|\\\\.|[^\\\\]+'))),
    '}'), '')
{{- end}}

{{define "members" -}}
arrayMap(decoded ->
    arraySort(m -> m[1], arrayFilter((m, i) -> NOT has(arraySlice(arrayMap(d -> d[1], decoded), i + 1), m[1]),
        decoded, arrayEnumerate(decoded))),
    [arrayMap(p -> [{{template "decode" "p[1]"}}, multiIf(startsWith(p[2], '"'), {{template "decode" "p[2]"}}, p[2] = 'null', '', p[2])],
        {{template "parts" .}})])[1]
{{- end}}

{{define "columns" -}}
    ADD COLUMN properties_names Array(String) DEFAULT arrayMap(m -> m[1], {{template "members" "properties"}}),
    ADD COLUMN properties_texts Array(String) DEFAULT arrayMap(m -> m[2], {{template "members" "properties"}}),
    ADD COLUMN traits_names Array(String) DEFAULT arrayMap(m -> m[1], {{template "members" "traits"}}),
    ADD COLUMN traits_texts Array(String) DEFAULT arrayMap(m -> m[2], {{template "members" "traits"}})
{{- end}}

ALTER TABLE {{table "events"}}
{{template "columns"}};
{{with distributed "events"}}ALTER TABLE {{.}}
{{template "columns"}};{{end}}
