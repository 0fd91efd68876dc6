-- Step affinity: a message an instance's step writes for the instance itself (its next timer, the
-- wake-up of a continue-as-new) names the worker that committed the step. A worker fetches the
-- messages left to it and those for any worker (NULL: an event raised from outside, an activity's
-- result) first; with affinity on (WorkerOptions.stepAffinity) it takes a message left to another
-- worker only once that has been due that long. So with several server processes each keeps
-- stepping "its" instances, and keeps what it holds for them (a health probe's connection) instead
-- of every process holding one for every instance.
-- A nullable column without a default: added without rewriting the table.
ALTER TABLE ${schema}.orchestrator_queue ADD COLUMN sticky_to text;
-- A worker's own due messages, and those for any worker, oldest first, without reading the others'.
CREATE INDEX orchestrator_queue_sticky_idx ON ${schema}.orchestrator_queue (sticky_to, visible_at, id);
