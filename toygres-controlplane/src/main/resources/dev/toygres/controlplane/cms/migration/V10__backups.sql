-- Base backups and their policy (docs/backups.md#the-catalogue). A backup's row is written running in
-- the transaction that starts its orchestration (the id of both is the backup id), and ends completed
-- or failed. Rows outlive their instance (instance_id stays, its row is kept with state deleted); a
-- backup removed by retention or by hand keeps its row with deleted_at set.
CREATE TABLE toygres_cms.backups (
    id               text PRIMARY KEY,
    instance_id      uuid NOT NULL REFERENCES toygres_cms.instances (id),
    instance_name    text NOT NULL,
    k8s_name         text NOT NULL,
    status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
    kind             text NOT NULL CHECK (kind IN ('manual', 'scheduled')),
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    start_lsn        text,
    end_lsn          text,
    timeline         integer,
    size_bytes       bigint,
    verified         boolean,
    verify_error     text,
    orchestration_id text NOT NULL,
    error            text,
    location         text,
    deleted_at       timestamptz
);
CREATE INDEX backups_instance_idx ON toygres_cms.backups (instance_id, started_at);
CREATE INDEX backups_name_idx ON toygres_cms.backups (instance_name, started_at);

-- Each instance's backup policy; an instance without a row has the defaults (a backup a day, kept 7
-- days, the first one due as soon as it runs). A null schedule turns scheduled backups off.
-- next_backup_at is advanced by the scheduler in the transaction that starts the backup it was due for.
-- delete_with_instance: the instance's delete removes its backups and archive at once (toygres delete
-- --delete-backups); purged_at: when they were all removed (by that delete, or by retention once the
-- deleted instance's retention had passed).
CREATE TABLE toygres_cms.backup_policies (
    instance_id          uuid PRIMARY KEY REFERENCES toygres_cms.instances (id),
    backup_schedule      interval DEFAULT interval '1 day' CHECK (backup_schedule > interval '0'),
    backup_retention     interval NOT NULL DEFAULT interval '7 days' CHECK (backup_retention > interval '0'),
    next_backup_at       timestamptz,
    delete_with_instance boolean NOT NULL DEFAULT false,
    purged_at            timestamptz
);
