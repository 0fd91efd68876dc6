-- The archive's health (docs/backups.md#the-archives-health). Each health check of a running instance
-- also reads its primary's pg_stat_archiver and the WAL file it writes, and the actor's write of the
-- check records them here, in the same UPDATE that records the health. archive_checked_at is the
-- instance's own now() at that reading (the other times are its clock too); all are null until the
-- first reading, and a check that reads nothing (a stopped or unreachable server) leaves them as they
-- were.
ALTER TABLE toygres_cms.instances
    ADD COLUMN archive_archived_count   bigint,
    ADD COLUMN archive_last_wal         text,
    ADD COLUMN archive_last_archived_at timestamptz,
    ADD COLUMN archive_failed_count     bigint,
    ADD COLUMN archive_last_failed_wal  text,
    ADD COLUMN archive_last_failed_at   timestamptz,
    ADD COLUMN archive_current_wal      text,
    ADD COLUMN archive_checked_at       timestamptz;
