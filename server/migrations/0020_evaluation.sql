-- Governance evaluation (城市治理现代化评估): indicator systems with immutable published versions, imported entity
-- data, and runs with per-entity results. The indicator tree of a version is one jsonb document: a version is read,
-- validated and scored as a whole, never edited in part, and keeping it whole makes "a published result names the
-- exact system it used" a foreign key.

CREATE TABLE evaluation_systems (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  code            text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  name_zh         text NOT NULL,
  name_en         text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (jurisdiction_id, code)
);

CREATE TABLE evaluation_system_versions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  system_id       uuid NOT NULL REFERENCES evaluation_systems (id),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  version         integer NOT NULL CHECK (version >= 1),
  status          text NOT NULL CHECK (status IN ('draft', 'published')),
  tree            jsonb NOT NULL,
  settings        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  UNIQUE (system_id, version),
  CHECK ((status = 'published') = (published_at IS NOT NULL))
);
-- At most one draft per system: edits go to it; publishing turns it into the next immutable version.
CREATE UNIQUE INDEX evaluation_one_draft ON evaluation_system_versions (system_id) WHERE status = 'draft';

-- A published version is immutable (results point at it and must stay recomputable): refuse any change to it.
CREATE FUNCTION evaluation_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'evaluation system version % is published and cannot change', OLD.id;
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER evaluation_version_frozen BEFORE UPDATE OR DELETE ON evaluation_system_versions
  FOR EACH ROW EXECUTE FUNCTION evaluation_version_immutable();

-- Entity data (cities, districts, departments) imported for scoring; rows failing validation are kept in `rejects`.
CREATE TABLE evaluation_datasets (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  name            text NOT NULL,
  synthetic       boolean NOT NULL DEFAULT false,
  indicator_codes jsonb NOT NULL,
  row_count       integer NOT NULL,
  rejects         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE evaluation_dataset_rows (
  dataset_id  uuid NOT NULL REFERENCES evaluation_datasets (id) ON DELETE CASCADE,
  entity_code text NOT NULL,
  name        text NOT NULL,
  class       text,
  province    text,
  region      text,
  -- indicator code → number (absent = missing)
  "values"    jsonb NOT NULL,
  PRIMARY KEY (dataset_id, entity_code)
);

CREATE TABLE evaluation_runs (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id   text NOT NULL REFERENCES jurisdictions (id),
  system_version_id uuid NOT NULL REFERENCES evaluation_system_versions (id),
  dataset_id        uuid NOT NULL REFERENCES evaluation_datasets (id),
  previous_run_id   uuid REFERENCES evaluation_runs (id),
  settings          jsonb NOT NULL,
  summary           jsonb NOT NULL,
  sensitivity       jsonb,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluation_runs_newest ON evaluation_runs (jurisdiction_id, created_at DESC);

CREATE TABLE evaluation_results (
  run_id      uuid NOT NULL REFERENCES evaluation_runs (id) ON DELETE CASCADE,
  entity_code text NOT NULL,
  name        text NOT NULL,
  class       text,
  province    text,
  region      text,
  total       double precision,
  rank        integer NOT NULL,
  tier        text,
  coverage    double precision NOT NULL,
  -- node code → score (0–100) for every node of the tree, and the missing-data flags of this entity
  node_scores jsonb NOT NULL,
  flags       jsonb NOT NULL,
  PRIMARY KEY (run_id, entity_code)
);
CREATE INDEX evaluation_results_rank ON evaluation_results (run_id, rank);
