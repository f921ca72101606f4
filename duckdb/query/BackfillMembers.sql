-- Sets the members of events in a range of seq, given as lists of equal
-- length: each event's seq and its four lists.
UPDATE events SET
    properties_names = m.properties_names, properties_texts = m.properties_texts,
    traits_names = m.traits_names, traits_texts = m.traits_texts
FROM (
    SELECT unnest($seqs::BIGINT[]) AS seq,
        unnest($properties_names::VARCHAR[][]) AS properties_names, unnest($properties_texts::VARCHAR[][]) AS properties_texts,
        unnest($traits_names::VARCHAR[][]) AS traits_names, unnest($traits_texts::VARCHAR[][]) AS traits_texts
) m
WHERE events.seq = m.seq AND events.seq >= $from AND events.seq < $to
