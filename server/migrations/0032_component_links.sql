-- City components follow their work orders: per-jurisdiction link settings, the orders linked to each component
-- (kept by the grid module from work-order events; no foreign key to work_orders, which come later in the
-- migration order), the order behind each status change in the history, and imports keyed by their source.

CREATE TABLE component_settings (
  jurisdiction_id text PRIMARY KEY REFERENCES jurisdictions (id),
  -- A work order about a component links to the nearest component of its class within this distance.
  link_distance_m integer NOT NULL DEFAULT 30 CHECK (link_distance_m BETWEEN 1 AND 1000),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE component_orders (
  component_id    uuid NOT NULL REFERENCES components (id) ON DELETE CASCADE,
  work_order_id   uuid NOT NULL,
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  order_code      text NOT NULL,
  -- What the order says is wrong with the component, and the order's status as last seen by the handler.
  problem         text NOT NULL CHECK (problem IN ('damaged', 'missing')),
  order_status    text NOT NULL,
  -- 'nearest': linked to a component already there; 'recorded': the component was recorded from the order.
  how             text NOT NULL CHECK (how IN ('nearest', 'recorded')),
  distance_m      double precision,
  photos          uuid[] NOT NULL DEFAULT '{}',
  linked_at       timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (component_id, work_order_id),
  UNIQUE (work_order_id)
);

ALTER TABLE component_history
  ADD COLUMN work_order_id   uuid,
  ADD COLUMN work_order_code text;
