-- Wake idle dispatchers only for work that is visible now. A timer due later (an instance actor's
-- next check, 30 s away) no longer sends a NOTIFY: that woke every dispatcher of every process for
-- nothing and took the commit-time notify lock, which serialises committing transactions. Idle
-- dispatchers sleep at most the poll interval and until the next future visible_at, so future
-- work is picked up without a notification (docs/engine.md, "Wake-ups").
--
-- Row triggers with a WHEN condition rather than statement triggers: the condition is evaluated as
-- each row is inserted, so a statement that inserts only future rows (or no rows at all, which a
-- statement trigger used to notify for) queues no trigger call; identical notifications within one
-- transaction are delivered once, so several ready rows still make one NOTIFY per transaction.
-- CREATE OR REPLACE TRIGGER keeps the triggers' names and the functions and, like CREATE TRIGGER,
-- locks the table in SHARE ROW EXCLUSIVE mode: it waits for the queue's writers, not its readers.
CREATE OR REPLACE TRIGGER orchestrator_queue_notify AFTER INSERT ON ${schema}.orchestrator_queue
    FOR EACH ROW WHEN (NEW.visible_at <= now()) EXECUTE FUNCTION ${schema}.notify_orchestrations();
CREATE OR REPLACE TRIGGER activity_queue_notify AFTER INSERT ON ${schema}.activity_queue
    FOR EACH ROW WHEN (NEW.visible_at <= now()) EXECUTE FUNCTION ${schema}.notify_activities();
