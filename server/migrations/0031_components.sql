-- City components (部件): the class table (class 2 digits, subclass 4 digits; the standard ones seeded per
-- jurisdiction, local ones added by administrators) and the inventory with 16-digit codes
-- county (6) + class (2) + subclass (2) + serial (6), e.g. 3205820102048188.

CREATE TABLE component_classes (
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  code            varchar(4) NOT NULL CHECK (code ~ '^[0-9]{2}([0-9]{2})?$'),
  parent_code     varchar(2),
  name_zh         text NOT NULL,
  name_en         text,
  source          text NOT NULL CHECK (source IN ('standard', 'local')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (jurisdiction_id, code),
  FOREIGN KEY (jurisdiction_id, parent_code) REFERENCES component_classes (jurisdiction_id, code),
  CHECK ((length(code) = 2) = (parent_code IS NULL)),
  CHECK (parent_code IS NULL OR left(code, 2) = parent_code),
  -- "00" is no subclass and no class.
  CHECK (code !~ '^00' AND code !~ '^[0-9]{2}00$')
);

CREATE TABLE components (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id     text NOT NULL REFERENCES jurisdictions (id),
  code                varchar(16) NOT NULL CHECK (code ~ '^[0-9]{16}$'),
  county_code         varchar(6) NOT NULL,
  class_code          varchar(4) NOT NULL,
  name                text,
  location            geometry(Point, 4326) NOT NULL,
  -- The unit grid covering the location when the component was placed (codes outlive layer re-imports).
  grid_code           varchar(14),
  owner_department_id uuid REFERENCES departments (id),
  status              text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal', 'damaged', 'missing', 'under_repair')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (jurisdiction_id, code),
  CHECK (left(code, 6) = county_code AND substr(code, 7, 4) = class_code AND right(code, 6) <> '000000'),
  FOREIGN KEY (jurisdiction_id, class_code) REFERENCES component_classes (jurisdiction_id, code)
);
CREATE INDEX components_location_gix ON components USING gist (location);
CREATE INDEX components_class_idx ON components (jurisdiction_id, class_code);
CREATE INDEX components_grid_idx ON components (jurisdiction_id, grid_code);

-- Every status change and move, in order (the component's history).
CREATE TABLE component_history (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  component_id    uuid NOT NULL REFERENCES components (id) ON DELETE CASCADE,
  at              timestamptz NOT NULL DEFAULT now(),
  action          text NOT NULL CHECK (action IN ('create', 'status')),
  from_status     text,
  to_status       text NOT NULL,
  actor_name      text,
  note            text
);
CREATE INDEX component_history_component_idx ON component_history (component_id, id);
