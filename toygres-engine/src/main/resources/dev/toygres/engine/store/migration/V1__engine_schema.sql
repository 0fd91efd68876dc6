-- The durable engine's schema. ${schema} is replaced by the configured schema name.

CREATE TABLE ${schema}.instances (
    instance_id        text PRIMARY KEY,
    name               text        NOT NULL,
    version            text,
    status             text        NOT NULL,
    execution_id       integer     NOT NULL DEFAULT 1,
    output             text,
    error              jsonb,
    custom_status      text,
    parent_instance_id text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    completed_at       timestamptz,
    lock_token         uuid,
    locked_until       timestamptz,
    locked_by          text,
    dispatch_count     integer     NOT NULL DEFAULT 0,
    last_error         text
);
CREATE INDEX instances_created_idx ON ${schema}.instances (created_at DESC, instance_id DESC);
CREATE INDEX instances_status_idx ON ${schema}.instances (status);
CREATE INDEX instances_name_idx ON ${schema}.instances (name);
CREATE INDEX instances_parent_idx ON ${schema}.instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL;

CREATE TABLE ${schema}.executions (
    instance_id  text        NOT NULL,
    execution_id integer     NOT NULL,
    name         text        NOT NULL,
    version      text,
    status       text        NOT NULL,
    input        text,
    output       text,
    error        jsonb,
    started_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (instance_id, execution_id)
);
CREATE INDEX executions_completed_idx ON ${schema}.executions (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE ${schema}.history (
    instance_id  text        NOT NULL,
    execution_id integer     NOT NULL,
    seq          integer     NOT NULL,
    event_type   text        NOT NULL,
    data         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, execution_id, seq)
);

-- Messages for orchestrations: completions, timers (visible_at in the future), events, cancels, wake-ups.
CREATE TABLE ${schema}.orchestrator_queue (
    id           bigserial PRIMARY KEY,
    instance_id  text        NOT NULL,
    execution_id integer,
    kind         text        NOT NULL,
    data         jsonb,
    visible_at   timestamptz NOT NULL DEFAULT now(),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orchestrator_queue_visible_idx ON ${schema}.orchestrator_queue (visible_at, id);
CREATE INDEX orchestrator_queue_instance_idx ON ${schema}.orchestrator_queue (instance_id, id);

-- Activity work items, leased by workers.
CREATE TABLE ${schema}.activity_queue (
    id             bigserial PRIMARY KEY,
    instance_id    text        NOT NULL,
    execution_id   integer     NOT NULL,
    task_id        integer     NOT NULL,
    name           text        NOT NULL,
    input          text,
    visible_at     timestamptz NOT NULL DEFAULT now(),
    lock_token     uuid,
    locked_until   timestamptz,
    locked_by      text,
    dispatch_count integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_queue_visible_idx ON ${schema}.activity_queue (visible_at, id);
CREATE INDEX activity_queue_instance_idx ON ${schema}.activity_queue (instance_id);
CREATE INDEX activity_queue_token_idx ON ${schema}.activity_queue (lock_token) WHERE lock_token IS NOT NULL;

-- Wake idle dispatchers of every process when new work is committed.
CREATE FUNCTION ${schema}.notify_orchestrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('${schema}_orchestrations', '');
    RETURN NULL;
END
$$;
CREATE FUNCTION ${schema}.notify_activities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('${schema}_activities', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER orchestrator_queue_notify AFTER INSERT ON ${schema}.orchestrator_queue
    FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.notify_orchestrations();
CREATE TRIGGER activity_queue_notify AFTER INSERT ON ${schema}.activity_queue
    FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.notify_activities();
