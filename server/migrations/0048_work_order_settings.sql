-- Per-jurisdiction work-order settings beside the ticket prefix: deadlines (null = the defaults in sla.ts),
-- auto-dispatch (off by default), and the duplicate-check window. A row may now exist without a custom prefix.

ALTER TABLE work_order_settings
  ALTER COLUMN ticket_prefix DROP NOT NULL,
  ADD COLUMN sla                       jsonb,
  ADD COLUMN auto_dispatch             boolean NOT NULL DEFAULT false,
  ADD COLUMN auto_dispatch_confidence  real NOT NULL DEFAULT 0.8 CHECK (auto_dispatch_confidence > 0 AND auto_dispatch_confidence <= 1),
  ADD COLUMN duplicate_radius_m        integer NOT NULL DEFAULT 50 CHECK (duplicate_radius_m BETWEEN 1 AND 1000),
  ADD COLUMN duplicate_hours           integer NOT NULL DEFAULT 72 CHECK (duplicate_hours BETWEEN 1 AND 720),
  ADD COLUMN version                   integer NOT NULL DEFAULT 1;

-- The classifier's suggestion at intake, for orders that came without a category (the dispatcher sees it; auto-
-- dispatch may use it when confident enough).
ALTER TABLE work_orders
  ADD COLUMN suggested_category   text,
  ADD COLUMN suggested_confidence real;
