-- Self-evaluation (平台自评): each month the platform scores its own districts and departments from the indicators
-- it computes (work-order closure, on-time closure, rework, satisfaction …). The data set of such a run is built by
-- the platform, not imported: it names its entity kind and month, and at most one exists per jurisdiction, kind and
-- month, which makes the monthly job idempotent (a re-run finds it and does nothing).
ALTER TABLE evaluation_datasets
  ADD COLUMN source      text NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'platform')),
  ADD COLUMN entity_kind text CHECK (entity_kind IN ('district', 'department')),
  ADD COLUMN period      text CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  ADD CONSTRAINT evaluation_datasets_platform_period CHECK ((source = 'platform') = (entity_kind IS NOT NULL AND period IS NOT NULL));

CREATE UNIQUE INDEX evaluation_datasets_self_once ON evaluation_datasets (jurisdiction_id, entity_kind, period) WHERE source = 'platform';
