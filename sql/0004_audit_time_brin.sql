-- The audit log is append-only and written in time order, so a BRIN index serves time-range
-- queries at a fraction of a B-tree's write cost (bulk imports write one row per record).
DROP INDEX audit_log_at_idx;
CREATE INDEX audit_log_at_brin ON audit_log USING brin (at);
