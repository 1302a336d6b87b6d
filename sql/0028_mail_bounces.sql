-- A mail the relay accepted and a mail server later returned (a delivery status notification,
-- RFC 3464, with Action: failed) is recorded as bounced, with the report's status and diagnostic.
ALTER TABLE mail_deliveries DROP CONSTRAINT mail_deliveries_state_check,
    ADD CONSTRAINT mail_deliveries_state_check CHECK (state IN ('pending', 'digest', 'sent', 'failed', 'skipped', 'bounced'));
ALTER TABLE mail_deliveries ADD COLUMN bounced_at timestamptz;
