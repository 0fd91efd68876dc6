-- The per-attempt timeout of an activity call (ActivityOptions.attemptTimeout), so that the worker
-- running it can interrupt it and stop renewing its lease; null: the worker's own timeout applies.
ALTER TABLE ${schema}.activity_queue ADD COLUMN attempt_timeout_ms bigint;
