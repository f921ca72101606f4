-- The top-level members of every event's properties and traits, as
-- report.Members reads them: each key once, in byte order, beside the text
-- of its last value. Reports read a member as texts[position of its key in
-- names], exactly at any depth of nesting. The writer fills them in; for
-- the events stored before, a Go step of this migration does (see
-- backfillMembers in duckdb.go).
ALTER TABLE events ADD COLUMN IF NOT EXISTS properties_names VARCHAR[];
ALTER TABLE events ADD COLUMN IF NOT EXISTS properties_texts VARCHAR[];
ALTER TABLE events ADD COLUMN IF NOT EXISTS traits_names VARCHAR[];
ALTER TABLE events ADD COLUMN IF NOT EXISTS traits_texts VARCHAR[];
