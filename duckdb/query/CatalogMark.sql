-- The seq up to which the catalog counts events (migration 0009).
SELECT seq FROM catalog_mark
