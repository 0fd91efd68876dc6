-- Settings of the control plane as a whole, shared by every server on this database: one value per
-- key. The first is the secret key's fingerprint (an HMAC of a fixed label, not the key), so that a
-- server started with another key refuses to start instead of failing later on every stored secret.
CREATE TABLE toygres_cms.settings (
    key        text PRIMARY KEY,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
