-- Crash restart (docs/actor.md#crash-restart). The actor restarts the server of a running instance
-- it finds down, with a back-off; the back-off is kept here so that it survives continue-as-new and
-- a control-plane restart. restart_attempts counts the restarts since the server last stayed
-- healthy for the reset period, restart_failures those of them that did not stick (the start failed,
-- or the server went down again), next_restart_at is when the next attempt is due (null: none
-- scheduled), and health_reason says in words why the instance is unhealthy (a crash loop, say).
ALTER TABLE toygres_cms.instances
    ADD COLUMN restart_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN restart_failures integer NOT NULL DEFAULT 0,
    ADD COLUMN last_restart_at  timestamptz,
    ADD COLUMN next_restart_at  timestamptz,
    ADD COLUMN health_reason    text;
