-- Import of historical records (civicgrid import requests): an imported order keeps where it came from and its
-- original id, unique per jurisdiction and source, so a re-import or a file with repeated rows adds nothing twice.
-- Live orders have neither (NULLs never collide in the unique constraint).
ALTER TABLE work_orders
  ADD COLUMN import_source text CHECK (import_source ~ '^[a-z0-9][a-z0-9_.-]{0,31}$'),
  ADD COLUMN external_id   text CHECK (char_length(external_id) BETWEEN 1 AND 200),
  ADD CONSTRAINT work_orders_external_pair CHECK ((import_source IS NULL) = (external_id IS NULL)),
  ADD CONSTRAINT work_orders_external_key UNIQUE (jurisdiction_id, import_source, external_id);

-- One run of an import, and its checkpoint: `rows_done` data rows of the file (counted from the first data row)
-- are handled by committed batches. A run of the same file (same SHA-256) with the same mapping that did not
-- finish is resumed from there; the counts are the run's totals so far.
CREATE TABLE work_order_imports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  source          text NOT NULL,
  format          text NOT NULL,
  file_name       text NOT NULL,
  file_hash       text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
  mapping_hash    text NOT NULL CHECK (mapping_hash ~ '^[0-9a-f]{64}$'),
  file_bytes      bigint NOT NULL CHECK (file_bytes >= 0),
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed')),
  rows_done       bigint NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
  imported        bigint NOT NULL DEFAULT 0,
  duplicates      bigint NOT NULL DEFAULT 0,
  rejected        bigint NOT NULL DEFAULT 0,
  started_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  CHECK ((status = 'completed') = (finished_at IS NOT NULL))
);
CREATE INDEX work_order_imports_file_idx ON work_order_imports (jurisdiction_id, file_hash, started_at DESC);
