-- Replicas. An instance's desired replication (how many streaming standbys, whether commits wait
-- for one of them) and the servers that make it up: its primary and its standbys, each with its own
-- port, data directory and, for a standby, its replication slot on the primary. Health, lag and
-- timeline are read live from the servers, not stored here.
CREATE TABLE toygres_cms.instance_replication (
    instance_id uuid PRIMARY KEY REFERENCES toygres_cms.instances (id) ON DELETE CASCADE,
    replicas    integer NOT NULL CHECK (replicas BETWEEN 0 AND 5),
    synchronous boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT synchronous OR replicas >= 1)
);

CREATE TABLE toygres_cms.members (
    instance_id uuid    NOT NULL REFERENCES toygres_cms.instances (id) ON DELETE CASCADE,
    ordinal     integer NOT NULL CHECK (ordinal BETWEEN 0 AND 5),
    role        text    NOT NULL CHECK (role IN ('primary', 'standby')),
    name        text    NOT NULL,
    port        integer,
    pid         bigint,
    data_dir    text,
    slot        text,
    state       text    NOT NULL CHECK (state IN ('running', 'stopped')),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, ordinal)
);
COMMENT ON COLUMN toygres_cms.members.ordinal IS '0 for the primary, n for standby n';
