-- Failover and switchover (docs/replication.md#failover). At most one of them runs for an instance at
-- a time: the one that claims it records its kind and orchestration id here, in the transaction that
-- starts the orchestration, and clears them when it ends. failovers counts the automatic failovers
-- claimed (it numbers their deterministic orchestration ids), last_failover_at is when the last one
-- completed (the cooldown counts from it).
ALTER TABLE toygres_cms.instance_replication
    ADD COLUMN operation            text CHECK (operation IN ('failover', 'switchover')),
    ADD COLUMN operation_id         text,
    ADD COLUMN operation_started_at timestamptz,
    ADD COLUMN failovers            integer NOT NULL DEFAULT 0,
    ADD COLUMN last_failover_at     timestamptz,
    ADD CHECK ((operation IS NULL) = (operation_id IS NULL));
