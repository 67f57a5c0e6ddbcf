-- Work-order categories (工单分类): a tree per jurisdiction whose codes are dotted paths — the parent of
-- 'component.01.0102' is 'component.01' — so a subtree is a code prefix. Kinds: 部件 (component), 事件 (event) and the
-- 12345 hotline categories; a child has its parent's kind (composite foreign key). Standard categories are seeded from
-- the code tables, local ones added by administrators. Categories are deactivated, not deleted, once in use.

CREATE TABLE work_order_categories (
  jurisdiction_id    text NOT NULL REFERENCES jurisdictions (id),
  code               text NOT NULL CHECK (code ~ '^[a-z0-9]+(\.[a-z0-9]+)*$' AND char_length(code) <= 64),
  parent_code        text,
  kind               text NOT NULL CHECK (kind IN ('component', 'event', 'hotline')),
  name_zh            text NOT NULL CHECK (char_length(name_zh) BETWEEN 1 AND 100),
  name_en            text CHECK (char_length(name_en) BETWEEN 1 AND 100),
  -- The component subclass (部件小类, 4 digits) a component category stands for, e.g. 0102 for component.01.0102.
  component_subclass varchar(4) CHECK (component_subclass ~ '^[0-9]{4}$'),
  sort_order         integer NOT NULL DEFAULT 0,
  active             boolean NOT NULL DEFAULT true,
  source             text NOT NULL CHECK (source IN ('standard', 'local')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, code, kind),
  FOREIGN KEY (jurisdiction_id, parent_code, kind) REFERENCES work_order_categories (jurisdiction_id, code, kind),
  -- The parent is the code without its last segment; top-level codes have none.
  CHECK (parent_code IS NOT DISTINCT FROM nullif(regexp_replace(code, '\.?[a-z0-9]+$', ''), '')),
  CHECK (component_subclass IS NULL OR kind = 'component')
);
CREATE INDEX work_order_categories_parent_idx ON work_order_categories (jurisdiction_id, parent_code);
