-- The seq up to which the catalog counts events (migration 0008).
SELECT seq FROM catalog_mark
