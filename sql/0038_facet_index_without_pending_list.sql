-- A GIN index gathers new entries in a pending list by default (`fastupdate`), and every search
-- reads that whole list until a vacuum or a full list (4 MB) merges it. Every write of an issue
-- row that is not a HOT update — a PATCH, a state change, a create — puts all of the row's facets
-- there: after 30 s of the mixed load (bench/scale.sh) the list held 114 pages, and a facet list
-- of six issues cost 2.7 ms instead of 0.3 ms (bench/RESULTS.md). Facets now go into the index at
-- once: a write costs a little more (PATCHes 1–3 % fewer a second in three pairs), the lists that
-- read the index stay at their cost (the mixed load 3–8 % more a second).
ALTER INDEX issues_facets_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('issues_facets_idx'::regclass);
