-- Tenancy and organisation: jurisdictions (tenants; Open311 jurisdiction_id), administrative divisions
-- (GB/T 2260 codes) and the department tree. Every domain row carries jurisdiction_id.

CREATE TABLE jurisdictions (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9.-]{1,100}$'), -- e.g. 'chengdu.gov.cn'
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  division_code varchar(12) NOT NULL CHECK (division_code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
  timezone      text NOT NULL DEFAULT 'Asia/Shanghai',
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- 6 digits: province / city / county (GB/T 2260); 9: street (乡镇街道); 12: community (社区/村).
CREATE TABLE divisions (
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  code            varchar(12) NOT NULL CHECK (code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
  parent_code     varchar(12),
  level           text NOT NULL CHECK (level IN ('province', 'city', 'district', 'street', 'community')),
  name_zh         text NOT NULL,
  name_en         text,
  boundary        geometry(MultiPolygon, 4326),
  PRIMARY KEY (jurisdiction_id, code),
  FOREIGN KEY (jurisdiction_id, parent_code) REFERENCES divisions (jurisdiction_id, code)
);
CREATE INDEX divisions_boundary_gix ON divisions USING gist (boundary);
CREATE INDEX divisions_parent_idx ON divisions (jurisdiction_id, parent_code);

-- The department tree: city government → district → street → community, plus functional departments
-- (城管, 住建, 交通, …) and their units. `path` is the materialised chain of ids ('/a/b/c/') so that
-- "department subtree" scopes are a prefix test.
CREATE TABLE departments (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  parent_id       uuid REFERENCES departments (id),
  path            text NOT NULL,
  code            text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  kind            text NOT NULL CHECK (kind IN ('government', 'district', 'street', 'community', 'functional', 'unit')),
  name_zh         text NOT NULL,
  name_en         text NOT NULL,
  division_code   varchar(12),
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (jurisdiction_id, code),
  FOREIGN KEY (jurisdiction_id, division_code) REFERENCES divisions (jurisdiction_id, code)
);
CREATE INDEX departments_parent_idx ON departments (parent_id);
CREATE INDEX departments_path_idx ON departments (jurisdiction_id, path text_pattern_ops);
