-- Transactional outbox and durable timers. A service writes its domain event (events) and one job per
-- subscribed handler (jobs) in the same transaction as the change. Timers are jobs with a future run_at.
-- Workers claim due jobs with FOR UPDATE SKIP LOCKED and a lease (locked_until), so several processes
-- can run them and a job held by a process that died is picked up again when its lease expires.

CREATE TABLE events (
  id              bigserial PRIMARY KEY,
  jurisdiction_id text,
  name            text NOT NULL,
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_name_idx ON events (name, id);

CREATE TABLE jobs (
  id              bigserial PRIMARY KEY,
  jurisdiction_id text,
  kind            text NOT NULL CHECK (kind IN ('event', 'timer')),
  handler         text NOT NULL,
  event_id        bigint REFERENCES events (id),
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key      text,
  run_at          timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  attempts        integer NOT NULL DEFAULT 0,
  max_attempts    integer NOT NULL DEFAULT 10,
  locked_by       text,
  locked_until    timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE status IN ('pending', 'running');
-- Housekeeping deletes finished jobs by age; metrics count failed ones; event rows are kept while a job needs them.
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE status IN ('done', 'cancelled');
CREATE INDEX jobs_failed_idx ON jobs (id) WHERE status = 'failed';
CREATE INDEX jobs_event_idx ON jobs (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX events_created_idx ON events (created_at);
-- At most one live job per (handler, dedupe_key): rescheduling a timer replaces it.
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (handler, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running');
