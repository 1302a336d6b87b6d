-- Saved query names are stored as typed; their uniqueness per account ignores width (NFKC), as
-- organization and product names do, so ＡＢＣ and ABC are one name.
ALTER TABLE saved_queries ADD COLUMN name_key text GENERATED ALWAYS AS (normalize(name, NFKC)) STORED;
ALTER TABLE saved_queries DROP CONSTRAINT saved_queries_account_id_name_key;
ALTER TABLE saved_queries ADD CONSTRAINT saved_queries_account_id_name_key_key UNIQUE (account_id, name_key);
