-- Inspectors on patrol (监督员/网格员). Their tasks — 核实 (is a new report real?) and 核查 (is the handled order
-- really fixed?) — are derived from work orders and grid responsibility, not stored; what is stored is what the
-- inspector did on site: one row per completed task (the order's timeline entry it made, where they stood, how far
-- from the order's point) and one row per problem they reported, each under the Idempotency-Key the device fixed
-- when the inspector acted, so a result or report queued offline and sent twice is applied once (kept for good,
-- unlike the 24-hour idempotency_keys of work-order intake: a phone may stay offline for days).
-- This migration runs before the work-order tables exist (0041), so the links to work_orders and
-- work_order_timeline are plain columns; the service writes them in the transaction of the transition or create.

CREATE TABLE inspector_task_results (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id   text NOT NULL REFERENCES jurisdictions (id),
  work_order_id     uuid NOT NULL,
  inspector_id      uuid NOT NULL REFERENCES users (id),
  kind              text NOT NULL CHECK (kind IN ('verify', 'check')),
  outcome           text NOT NULL CHECK (outcome IN ('confirmed', 'not_real', 'pass', 'fail')),
  timeline_entry_id bigint NOT NULL,
  -- The task's start (order created / handling reported) and deadline as they were when it was done.
  task_since        timestamptz NOT NULL,
  due_at            timestamptz NOT NULL,
  done_at           timestamptz NOT NULL,
  -- When the inspector acted on the device (may be earlier than done_at for a result queued offline).
  acted_at          timestamptz NOT NULL,
  position          geometry(Point, 4326),
  accuracy_m        double precision CHECK (accuracy_m >= 0),
  distance_m        double precision CHECK (distance_m >= 0),
  idempotency_key   text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 8 AND 200),
  request_hash      text NOT NULL,
  CHECK ((kind = 'verify') = (outcome IN ('confirmed', 'not_real'))),
  UNIQUE (inspector_id, idempotency_key)
);
CREATE INDEX inspector_task_results_inspector_idx ON inspector_task_results (inspector_id, done_at DESC);
CREATE INDEX inspector_task_results_order_idx ON inspector_task_results (work_order_id);

CREATE TABLE inspector_reports (
  inspector_id      uuid NOT NULL REFERENCES users (id),
  idempotency_key   text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 8 AND 200),
  jurisdiction_id   text NOT NULL REFERENCES jurisdictions (id),
  work_order_id     uuid NOT NULL,
  request_hash      text NOT NULL,
  acted_at          timestamptz NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (inspector_id, idempotency_key)
);
CREATE INDEX inspector_reports_order_idx ON inspector_reports (work_order_id);
