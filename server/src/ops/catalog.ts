/**
 * What the database holds, read from the PostgreSQL catalog rather than from schema.ts, so backup and restore
 * cover every table a migration creates (including ones added later) and nothing an extension owns
 * (PostGIS's spatial_ref_sys). Only the `public` schema is ours.
 */
import { sql } from 'kysely';
import type { Db } from '../app-context.js';

export interface CatalogColumn {
  name: string;
  /** format_type(): the exact declared type, e.g. `geometry(MultiPolygon,4326)`, `text[]`. */
  type: string;
  /** Generated (stored) columns are computed by the database and cannot be inserted. */
  generated: boolean;
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  /** Primary-key columns in key order; empty when the table has none (then we page by ctid). */
  primaryKey: string[];
}

export interface ForeignKey {
  name: string;
  table: string;
  references: string;
  deferrable: boolean;
  initiallyDeferred: boolean;
}

export interface Catalog {
  tables: CatalogTable[];
  foreignKeys: ForeignKey[];
  sequences: string[];
}

/** Tables we never copy: the migration ledger is compared, not restored. */
const EXCLUDED = new Set(['schema_migrations']);

export async function readCatalog(db: Db): Promise<Catalog> {
  const columns = await sql<{ table: string; name: string; type: string; generated: boolean }>`
    SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attgenerated <> '' AS generated
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relname, a.attnum`.execute(db);
  const keys = await sql<{ table: string; column: string }>`
    SELECT c.relname AS "table", a.attname AS "column"
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
    WHERE i.indisprimary AND c.relnamespace = 'public'::regnamespace
    ORDER BY c.relname, k.ord`.execute(db);
  const fks = await sql<{ name: string; table: string; references: string; deferrable: boolean; deferred: boolean }>`
    SELECT con.conname AS name, c.relname AS "table", f.relname AS "references",
           con.condeferrable AS deferrable, con.condeferred AS deferred
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_class f ON f.oid = con.confrelid
    WHERE con.contype = 'f' AND c.relnamespace = 'public'::regnamespace
    ORDER BY c.relname, con.conname`.execute(db);
  const seqs = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relname`.execute(db);

  const byName = new Map<string, CatalogTable>();
  for (const col of columns.rows) {
    if (EXCLUDED.has(col.table)) continue;
    let t = byName.get(col.table);
    if (!t) byName.set(col.table, (t = { name: col.table, columns: [], primaryKey: [] }));
    t.columns.push({ name: col.name, type: col.type, generated: col.generated });
  }
  for (const k of keys.rows) byName.get(k.table)?.primaryKey.push(k.column);
  const foreignKeys = fks.rows
    .filter((f) => byName.has(f.table) && byName.has(f.references))
    .map((f) => ({
      name: f.name,
      table: f.table,
      references: f.references,
      deferrable: f.deferrable,
      initiallyDeferred: f.deferred,
    }));
  return { tables: [...byName.values()], foreignKeys, sequences: seqs.rows.map((s) => s.name) };
}

/**
 * Orders tables so that every referenced table comes before the tables referencing it (Kahn's algorithm,
 * ties by name for a stable file). Returns the foreign keys that ordering cannot satisfy — self-references
 * (departments.parent_id) and cycles — which restore checks at the end of its transaction instead.
 */
export function dependencyOrder(
  tables: readonly string[],
  foreignKeys: readonly Pick<ForeignKey, 'name' | 'table' | 'references'>[],
): { order: string[]; deferred: string[] } {
  const deferred = new Set(foreignKeys.filter((f) => f.table === f.references).map((f) => f.name));
  const edges = foreignKeys.filter((f) => f.table !== f.references);
  const remaining = new Set(tables);
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter((t) => !edges.some((e) => e.table === t && remaining.has(e.references) && !deferred.has(e.name)))
      .sort();
    if (ready.length > 0) {
      for (const t of ready) {
        order.push(t);
        remaining.delete(t);
      }
      continue;
    }
    // A cycle among the remaining tables: defer one of its edges (the first by name) and try again.
    const cyclic = edges
      .filter((e) => remaining.has(e.table) && remaining.has(e.references) && !deferred.has(e.name))
      .sort((a, b) => (a.name < b.name ? -1 : 1))[0];
    if (!cyclic) throw new Error('dependencyOrder: no progress without a cycle (bug)');
    deferred.add(cyclic.name);
  }
  return { order, deferred: [...deferred].sort() };
}

/** Double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
