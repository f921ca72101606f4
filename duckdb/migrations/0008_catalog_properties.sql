-- The catalog counts the keys of properties alone: trait keys are counted
-- by person over identify calls (TraitKeys.sql), so writes no longer add
-- rows for traits, and those written before are dropped.
DELETE FROM catalog_keys WHERE object = 'traits';
