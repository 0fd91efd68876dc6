-- Web console sessions: the cookie holds a random id; only its SHA-256 is stored. Logging out
-- deletes the row, so a copied cookie stops working at once.
CREATE TABLE toygres_cms.ui_sessions (
    id_hash    bytea PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX ui_sessions_expires_idx ON toygres_cms.ui_sessions (expires_at);
