-- Unit grids (单元网格): the management hierarchy district → street → community, the grids themselves
-- (MultiPolygon with holes, 14-digit codes), their responsible inspectors and departments, and a version per
-- jurisdiction that every process polls to know when to rebuild its in-memory point → grid index.

-- District (6 digits, GB/T 2260), street (9) and community (12) units as grid management sees them. They
-- mirror the administrative divisions but are the grid layer's own: an import brings them with the grids.
CREATE TABLE grid_units (
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  code            varchar(12) NOT NULL CHECK (code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
  level           text NOT NULL CHECK (level IN ('district', 'street', 'community')),
  parent_code     varchar(12),
  name            text NOT NULL,
  PRIMARY KEY (jurisdiction_id, code),
  FOREIGN KEY (jurisdiction_id, parent_code) REFERENCES grid_units (jurisdiction_id, code),
  CHECK (length(code) = CASE level WHEN 'district' THEN 6 WHEN 'street' THEN 9 ELSE 12 END),
  CHECK ((level = 'district') = (parent_code IS NULL)),
  CHECK (parent_code IS NULL OR (left(code, length(parent_code)) = parent_code AND length(code) = length(parent_code) + 3))
);

-- code = county (6) + street (3) + community (3) + grid sequence (2); "00" would mean the whole community.
CREATE TABLE grids (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  code            varchar(14) NOT NULL CHECK (code ~ '^[0-9]{12}(0[1-9]|[1-9][0-9])$'),
  community_code  varchar(12) NOT NULL,
  name            text NOT NULL,
  geom            geometry(MultiPolygon, 4326) NOT NULL,
  -- SHA-256 of the normalised coordinates as imported: "unchanged" on re-import means same community and hash.
  geom_hash       text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (jurisdiction_id, code),
  CHECK (left(code, 12) = community_code),
  FOREIGN KEY (jurisdiction_id, community_code) REFERENCES grid_units (jurisdiction_id, code)
);
CREATE INDEX grids_geom_gix ON grids USING gist (geom);
CREATE INDEX grids_community_idx ON grids (jurisdiction_id, community_code);

-- Responsible people and departments per grid (used by work-order responsibility rules).
CREATE TABLE grid_inspectors (
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  grid_id         uuid NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (grid_id, user_id)
);
CREATE INDEX grid_inspectors_user_idx ON grid_inspectors (user_id);

CREATE TABLE grid_departments (
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  grid_id         uuid NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
  department_id   uuid NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
  PRIMARY KEY (grid_id, department_id)
);
CREATE INDEX grid_departments_department_idx ON grid_departments (department_id);

-- Bumped in the transaction of every change to a jurisdiction's grids or their responsible people.
CREATE TABLE grid_layers (
  jurisdiction_id text PRIMARY KEY REFERENCES jurisdictions (id),
  version         bigint NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
