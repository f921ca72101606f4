-- What a report reads (see report.Query), one row a person: the events of a
-- project in a time range that may be hits, packed into one string, and
-- the person fields the query reads. A template: storage.CompileHits writes
-- the conditions on the stored columns; hitsSQL adds the person fields.
--
-- On a cluster every shard groups its own events by person, after the
-- identity table is sent to it (GLOBAL JOIN); the server that got the query
-- merges the groups of persons whose ids live on several shards. Nothing is
-- sorted: persons come in any order.
--
-- Every copy of a message lives on one shard, with one distinct id: each
-- copy that may be a hit is packed, and Go keeps the first of them
-- (firstCopies), so no query sorts every event to find copies.
--
-- hits packs each hit as little-endian bytes: time, seq, mask and message
-- hash, 8 bytes each; then, when the query reads them, the revenue (Float64)
-- and the breakdown value (its length in 4 bytes, then its bytes).
-- reinterpretAsString cuts trailing zero bytes, toFixedString puts them
-- back and substring makes a String of it. The driver reads arrays with a
-- reflective call per element, strings whole.
SELECT if(person_id = '', distinct_id, person_id) AS person,
    arrayStringConcat(arrayMap((t, s, m, h{{if .Revenue}}, r{{end}}{{if .Breakdown}}, v{{end}}) -> concat(
            substring(toFixedString(reinterpretAsString(t), 8), 1, 8),
            substring(toFixedString(reinterpretAsString(s), 8), 1, 8),
            substring(toFixedString(reinterpretAsString(m), 8), 1, 8),
            substring(toFixedString(reinterpretAsString(h), 8), 1, 8){{if .Revenue}},
            substring(toFixedString(reinterpretAsString(r), 8), 1, 8){{end}}{{if .Breakdown}},
            substring(toFixedString(reinterpretAsString(toUInt32(length(v))), 4), 1, 4), v{{end}}),
        groupArrayIf(timestamp, hit), groupArrayIf(seq, hit),
        groupArrayIf({{.Mask}}, hit), groupArrayIf(message_hash, hit){{if .Revenue}},
        groupArrayIf(ifNull(revenue, 0), hit){{end}}{{if .Breakdown}},
        groupArrayIf({{.Value}}, hit){{end}})) AS hits{{range .Traits}},
    -- report.Profile: the value in the latest identify call with the key,
    -- by time and storage order.
    argMaxIf(traits_texts[indexOf(traits_names, {{.}})], (timestamp, seq), type = 'identify' AND has(traits_names, {{.}})){{end}}{{if .Acquisition}},
    -- report.AcquisitionOf, as Acquisitions.sql reads it.
    argMinIf(channel, (type = 'track', timestamp, seq) AS rank, type IN ('page', 'screen', 'track') AS touch),
    argMinIf(utm_source, rank, touch), argMinIf(utm_medium, rank, touch),
    argMinIf(utm_campaign, rank, touch), argMinIf(utm_content, rank, touch), argMinIf(referrer_host, rank, touch),
    argMinIf(path, rank, touch),
    toString(toDate(toDateTime(intDiv(min(timestamp), 1000000), 'UTC'), 'UTC')){{end}}
FROM events AS e
GLOBAL ANY LEFT JOIN (
    SELECT distinct_id, argMax(person_id, version) AS person_id
    FROM identities
    WHERE project_id = @project
    GROUP BY distinct_id
) AS i USING distinct_id
-- Rows that are no hit are read only for person fields: acquisition reads
-- every event of a person.
PREWHERE project_id = @project AND (((timestamp >= @from AND timestamp < @to AND {{.Selects}}) AS hit){{if .Acquisition}}
    OR 1{{else}}{{range .Traits}}
    OR type = 'identify' AND has(traits_names, {{.}}){{end}}{{end}})
GROUP BY person
HAVING notEmpty(hits)
