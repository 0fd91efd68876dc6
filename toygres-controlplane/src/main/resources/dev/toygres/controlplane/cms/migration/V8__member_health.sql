-- The members in the health history (docs/actor.md#watching-the-members). For an instance with
-- standbys, each health check also records what the actor saw of every server of the instance: an
-- array of {ordinal, role, port, pid, health, lag_bytes, lag_seconds, timeline}, primary first.
-- Null for an instance without standbys, and for the checks recorded before this column existed.
ALTER TABLE toygres_cms.instance_health_checks ADD COLUMN members jsonb;
