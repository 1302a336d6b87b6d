-- What a webhook endpoint hears of: everything its organization may see ('all'), or only what
-- concerns the organization ('own': issues it reported, is assigned or is named in, its own
-- filings and endpoints) — what a vendor wires into its own ticket system.
ALTER TABLE webhook_endpoints ADD COLUMN scope text NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'own'));
