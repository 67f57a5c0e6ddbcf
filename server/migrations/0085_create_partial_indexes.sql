-- Two work-order indexes that every create wrote an entry to for a column it leaves empty (issue 6's create cost):
-- the department (派遣 sets it; a new order has none) and the import key (only imported orders have one). Each
-- becomes partial on the column being set: every query that uses them names a department or an external id, which
-- implies it is not null, and a NULL key never conflicted in the unique index anyway (NULLs are distinct), so the
-- import's ON CONFLICT names the same predicate and nothing else changes (the constraint becomes a unique index).
DROP INDEX work_orders_department_idx;
CREATE INDEX work_orders_department_idx ON work_orders (department_id, status) WHERE department_id IS NOT NULL;
ALTER TABLE work_orders DROP CONSTRAINT work_orders_external_key;
CREATE UNIQUE INDEX work_orders_external_key ON work_orders (jurisdiction_id, import_source, external_id)
  WHERE external_id IS NOT NULL;
