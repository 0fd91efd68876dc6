-- Toygres CMS: the instances we manage, what happened to them, and their health checks.

CREATE TYPE toygres_cms.instance_state AS ENUM ('creating', 'running', 'stopped', 'deleting', 'deleted', 'failed');

CREATE TABLE toygres_cms.instances (
    id                              uuid PRIMARY KEY,
    user_name                       text        NOT NULL,
    k8s_name                        text        NOT NULL UNIQUE,
    namespace                       text        NOT NULL DEFAULT 'toygres',
    postgres_version                text        NOT NULL,
    storage_size_gb                 integer     NOT NULL DEFAULT 1,
    state                           toygres_cms.instance_state NOT NULL DEFAULT 'creating',
    health_status                   text        NOT NULL DEFAULT 'unknown'
                                    CHECK (health_status IN ('healthy', 'unhealthy', 'unknown')),
    last_health_check               timestamptz,
    consecutive_failures            integer     NOT NULL DEFAULT 0,
    monitoring_enabled              boolean     NOT NULL DEFAULT true,
    create_orchestration_id         text,
    delete_orchestration_id         text,
    instance_actor_orchestration_id text,
    data_plane                      text        NOT NULL DEFAULT 'local' CHECK (data_plane IN ('local', 'kubernetes')),
    host                            text,
    port                            integer,
    admin_user                      text        NOT NULL DEFAULT 'postgres',
    password_encrypted              text        NOT NULL,
    data_dir                        text,
    pid                             bigint,
    created_at                      timestamptz NOT NULL DEFAULT now(),
    updated_at                      timestamptz NOT NULL DEFAULT now(),
    started_at                      timestamptz,
    stopped_at                      timestamptz,
    deleted_at                      timestamptz,
    tags                            jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- A name is unique among live instances; a deleted instance frees it.
CREATE UNIQUE INDEX instances_live_name_idx ON toygres_cms.instances (user_name) WHERE state <> 'deleted';
CREATE INDEX instances_state_idx ON toygres_cms.instances (state);
CREATE INDEX instances_actor_idx ON toygres_cms.instances (instance_actor_orchestration_id);
-- Two live local instances never share a port.
CREATE UNIQUE INDEX instances_live_port_idx ON toygres_cms.instances (host, port)
    WHERE state NOT IN ('deleted', 'failed') AND port IS NOT NULL;

CREATE FUNCTION toygres_cms.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END
$$;
CREATE TRIGGER instances_updated_at BEFORE UPDATE ON toygres_cms.instances
    FOR EACH ROW EXECUTE FUNCTION toygres_cms.touch_updated_at();

CREATE TABLE toygres_cms.instance_events (
    id          bigserial PRIMARY KEY,
    instance_id uuid        NOT NULL REFERENCES toygres_cms.instances (id) ON DELETE CASCADE,
    event_type  text        NOT NULL,
    old_state   text,
    new_state   text,
    message     text        NOT NULL DEFAULT '',
    metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instance_events_instance_idx ON toygres_cms.instance_events (instance_id, created_at DESC, id DESC);

CREATE TABLE toygres_cms.instance_health_checks (
    id               bigserial PRIMARY KEY,
    instance_id      uuid        NOT NULL REFERENCES toygres_cms.instances (id) ON DELETE CASCADE,
    status           text        NOT NULL CHECK (status IN ('healthy', 'unhealthy', 'unknown')),
    postgres_version text,
    response_time_ms double precision,
    error_message    text,
    details          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    actor_id         text,
    checked_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instance_health_checks_instance_idx ON toygres_cms.instance_health_checks (instance_id, checked_at DESC);
CREATE INDEX instance_health_checks_checked_idx ON toygres_cms.instance_health_checks (checked_at);
