-- Health checks in daily partitions (docs/operations.md#retention): a fleet of 20,000 instances
-- checked every 30 s writes 57 million rows a day, and pruning them with a row-by-row DELETE costs as
-- much as writing them. The table is now partitioned by range of checked_at, one partition per UTC
-- day named instance_health_checks_pYYYYMMDD, and the pruner drops a day's partition whole once all
-- of it is older than --health-retention; it (and every server at start) creates the partitions of
-- today and the next two days ahead (HealthCheckPartitions).
--
-- The existing table is not copied: it becomes the partition of the day of this upgrade, extended
-- back to MINVALUE, so every row it holds is kept and goes when that day's partition goes. Its
-- indexes match the new table's and are taken over as they are; only a scan checks its rows.
--
-- No primary key: a unique constraint on a partitioned table must include checked_at, the ids are
-- unique by their sequence, and nothing looks a check up by its id. The index on checked_at alone
-- served the DELETE only and goes: every write of a check maintains one index fewer.
LOCK TABLE toygres_cms.instance_health_checks IN ACCESS EXCLUSIVE MODE;

ALTER TABLE toygres_cms.instance_health_checks RENAME TO instance_health_checks_upgraded;
ALTER TABLE toygres_cms.instance_health_checks_upgraded DROP CONSTRAINT instance_health_checks_pkey;
ALTER TABLE toygres_cms.instance_health_checks_upgraded RENAME CONSTRAINT
    instance_health_checks_instance_id_fkey TO instance_health_checks_upgraded_instance_id_fkey;
DROP INDEX toygres_cms.instance_health_checks_checked_idx;
ALTER INDEX toygres_cms.instance_health_checks_instance_idx
    RENAME TO instance_health_checks_upgraded_instance_idx;

CREATE TABLE toygres_cms.instance_health_checks (
    id               bigint      NOT NULL DEFAULT nextval('toygres_cms.instance_health_checks_id_seq'),
    instance_id      uuid        NOT NULL REFERENCES toygres_cms.instances (id) ON DELETE CASCADE,
    status           text        NOT NULL CONSTRAINT instance_health_checks_status_check
                                     CHECK (status IN ('healthy', 'unhealthy', 'unknown')),
    postgres_version text,
    response_time_ms double precision,
    error_message    text,
    details          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    actor_id         text,
    checked_at       timestamptz NOT NULL DEFAULT now(),
    members          jsonb
) PARTITION BY RANGE (checked_at);
ALTER SEQUENCE toygres_cms.instance_health_checks_id_seq
    OWNED BY toygres_cms.instance_health_checks.id;
CREATE INDEX instance_health_checks_instance_idx
    ON toygres_cms.instance_health_checks (instance_id, checked_at DESC);

DO $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
    d date;
BEGIN
    -- The old table's foreign key and index are the same as the new table's: attached, not made.
    EXECUTE format(
        'ALTER TABLE toygres_cms.instance_health_checks ATTACH PARTITION'
        || ' toygres_cms.instance_health_checks_upgraded FOR VALUES FROM (MINVALUE) TO (%L)',
        (today + 1)::timestamp AT TIME ZONE 'UTC');
    EXECUTE format('ALTER TABLE toygres_cms.instance_health_checks_upgraded RENAME TO %I',
        'instance_health_checks_p' || to_char(today, 'YYYYMMDD'));
    EXECUTE format('ALTER INDEX toygres_cms.instance_health_checks_upgraded_instance_idx RENAME TO %I',
        'instance_health_checks_p' || to_char(today, 'YYYYMMDD') || '_instance_id_checked_at_idx');
    FOR i IN 1..2 LOOP
        d := today + i;
        EXECUTE format(
            'CREATE TABLE toygres_cms.%I PARTITION OF toygres_cms.instance_health_checks'
            || ' FOR VALUES FROM (%L) TO (%L)',
            'instance_health_checks_p' || to_char(d, 'YYYYMMDD'),
            d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END $$;
