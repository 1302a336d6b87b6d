-- request_id is the daemon's own id of the request; an X-Request-Id the client sent is kept
-- beside it, marked as the client's (it is not ours to vouch for).
ALTER TABLE audit_log ADD COLUMN client_request_id text;
