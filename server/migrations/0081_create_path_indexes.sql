-- Indexes written by every work-order create (issue 6), reviewed: work_orders (11, of which the GIN index on the
-- segmented search text keeps its default fastupdate, so a create appends to its pending list), work_order_timeline
-- (2), audit_log (7), events (3), jobs (3 per job), idempotency_keys (2). Each is read by a query (the lists and their
-- filters, the chainer, the worker's claim and cleanup, the caller history, imports' uniqueness) except one:
-- events_name_idx. Events are read by id (the job's event_id) and deleted by age (events_created_idx); nothing looks
-- events up by name, so every event — one per create and per transition — paid for an index entry nobody used.
DROP INDEX IF EXISTS events_name_idx;
