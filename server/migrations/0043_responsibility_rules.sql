-- The responsibility list (清单化定责): which department answers for an order, by category subtree, district, grid
-- code prefix and component class prefix (null = any). The most specific matching rule wins, then the higher
-- priority; fallback rules apply only when no other rule matches (src/modules/work-orders/responsibility-rules.ts).

CREATE TABLE responsibility_rules (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id        text NOT NULL REFERENCES jurisdictions (id),
  category_prefix        text CHECK (category_prefix ~ '^[a-z0-9]+(\.[a-z0-9]+)*$' AND char_length(category_prefix) <= 64),
  district_code          varchar(6) CHECK (district_code ~ '^[0-9]{6}$'),
  grid_prefix            varchar(14) CHECK (grid_prefix ~ '^[0-9]{1,14}$'),
  component_class_prefix varchar(4) CHECK (component_class_prefix ~ '^[0-9]{1,4}$'),
  department_id          uuid NOT NULL REFERENCES departments (id),
  priority               integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000000 AND 1000000),
  fallback               boolean NOT NULL DEFAULT false,
  active                 boolean NOT NULL DEFAULT true,
  note                   text CHECK (char_length(note) <= 500),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
-- One rule per set of conditions and department (a second one would never change a suggestion).
CREATE UNIQUE INDEX responsibility_rules_conditions_key ON responsibility_rules (
  jurisdiction_id, coalesce(category_prefix, ''), coalesce(district_code, ''), coalesce(grid_prefix, ''),
  coalesce(component_class_prefix, ''), department_id, fallback);
-- A suggestion reads the jurisdiction's active rules in one query.
CREATE INDEX responsibility_rules_active_idx ON responsibility_rules (jurisdiction_id) WHERE active;
CREATE INDEX responsibility_rules_department_idx ON responsibility_rules (department_id);
