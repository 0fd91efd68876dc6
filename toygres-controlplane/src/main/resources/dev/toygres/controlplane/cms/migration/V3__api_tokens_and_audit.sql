-- API users: named bearer tokens with a role. Only the SHA-256 of a token is kept (tokens are 32
-- random bytes, so a plain digest is enough); a request's token is looked up by its digest. The
-- built-in token named 'admin' (TOYGRES_ADMIN_TOKEN or <data-dir>/admin-token) is not stored here;
-- 'supervisor' and 'anonymous' name the other authors of audit rows, so no token may take them.
CREATE TABLE toygres_cms.api_tokens (
    name       text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'
                                 AND name NOT IN ('admin', 'supervisor', 'anonymous')),
    role       text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL
);

-- One row per state-changing request and per repair made by the actor supervisor or recovery.
-- Paging newest first walks the primary key backwards (id < cursor ORDER BY id DESC); pruning
-- deletes by time.
CREATE TABLE toygres_cms.audit_log (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text NOT NULL,
    action text NOT NULL,
    target text,
    result text NOT NULL,
    status int,
    detail text
);
CREATE INDEX audit_log_at_idx ON toygres_cms.audit_log (at);

-- A console session now remembers the token that logged in, and is valid only while that token
-- exists with the same secret. Sessions from before this change name no token: they end here.
DELETE FROM toygres_cms.ui_sessions;
ALTER TABLE toygres_cms.ui_sessions
    ADD COLUMN token_name text NOT NULL,
    ADD COLUMN token_hash bytea NOT NULL;
CREATE INDEX ui_sessions_token_idx ON toygres_cms.ui_sessions (token_name);
