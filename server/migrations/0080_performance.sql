-- Performance evaluation (综合评价) scoring schemes. A scheme is a weighted sum of rates with grade bands and the
-- 核实/核查 time limits (src/modules/performance/formulas.ts, FORMULAS.md). Schemes are versioned: saving a scheme
-- under an existing key adds the next version, old versions never change (a ranking names the version it used).
-- The Chengdu Jinniu 100-point scheme is built in (key 'jinniu', not stored) and is the default until a
-- jurisdiction marks one of its own schemes as default.

CREATE TABLE performance_schemes (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  key             text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$' AND key <> 'jinniu'),
  version         integer NOT NULL CHECK (version >= 1),
  name_zh         text NOT NULL CHECK (char_length(name_zh) BETWEEN 1 AND 100),
  name_en         text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 100),
  definition      jsonb NOT NULL,
  is_default      boolean NOT NULL DEFAULT false,
  created_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (jurisdiction_id, key, version)
);
-- At most one default version per jurisdiction.
CREATE UNIQUE INDEX performance_schemes_default_idx ON performance_schemes (jurisdiction_id) WHERE is_default;

-- Old versions are kept as they were: only the default flag may move.
CREATE FUNCTION performance_schemes_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.definition IS DISTINCT FROM OLD.definition OR NEW.key IS DISTINCT FROM OLD.key OR NEW.version IS DISTINCT FROM OLD.version
     OR NEW.name_zh IS DISTINCT FROM OLD.name_zh OR NEW.name_en IS DISTINCT FROM OLD.name_en OR NEW.jurisdiction_id IS DISTINCT FROM OLD.jurisdiction_id THEN
    RAISE EXCEPTION 'performance scheme versions are immutable';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER performance_schemes_frozen BEFORE UPDATE ON performance_schemes FOR EACH ROW EXECUTE FUNCTION performance_schemes_frozen();
