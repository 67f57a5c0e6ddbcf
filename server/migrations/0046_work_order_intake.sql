-- Work orders as the API serves them: the resident who reported (owner, for "my orders" and the self scope), the
-- component, the SLA bookkeeping (pauses while suspended, warning/overdue flags set by durable timers, the sign-for
-- deadline), milestones for statistics, the segmented text for Chinese full-text search, and idempotent creates.

ALTER TABLE work_orders
  ADD COLUMN reporter_user_id uuid REFERENCES users (id),
  ADD COLUMN reporter_phone_hmac text,
  ADD COLUMN component_code   varchar(16) CHECK (component_code ~ '^[0-9]{16}$'),
  ADD COLUMN sla_pauses       jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN warned           boolean NOT NULL DEFAULT false,
  ADD COLUMN overdue          boolean NOT NULL DEFAULT false,
  ADD COLUMN sign_due_at      timestamptz,
  ADD COLUMN sign_overdue     boolean NOT NULL DEFAULT false,
  ADD COLUMN dispatched_at    timestamptz,
  ADD COLUMN closed_at        timestamptz,
  ADD COLUMN search_text      text NOT NULL DEFAULT '';

-- The list: newest first within a jurisdiction, keyset-paged on (created_at, id).
CREATE INDEX work_orders_created_idx ON work_orders (jurisdiction_id, created_at DESC, id DESC);
CREATE INDEX work_orders_reporter_idx ON work_orders (reporter_user_id, created_at DESC) WHERE reporter_user_id IS NOT NULL;
CREATE INDEX work_orders_grid_idx ON work_orders (jurisdiction_id, grid_code text_pattern_ops);
CREATE INDEX work_orders_search_idx ON work_orders USING gin (to_tsvector('simple', search_text));
-- Caller history (来电历史) by phone number: the HMAC lookup key (the phone itself is only stored sealed).
CREATE INDEX work_orders_phone_idx ON work_orders (jurisdiction_id, reporter_phone_hmac, created_at DESC) WHERE reporter_phone_hmac IS NOT NULL;

-- Idempotency-Key on create: the first request's answer is kept for 24 hours and replayed to retries. The key row is
-- inserted in the creating transaction, so a concurrent retry waits on it and then finds the stored answer.
CREATE TABLE idempotency_keys (
  scope        text NOT NULL,
  key          text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
  request_hash text NOT NULL,
  status       integer NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
