/**
 * Many rows as ONE parameter: `json_to_recordset($1::json) AS r(i int, id uuid, …)`. A statement that writes any
 * number of rows this way has one fixed text, so it can be a named prepared statement (parsed and planned once per
 * connection) and each table's rows go through one executor node, where a statement with a part per row is parsed,
 * planned and executed part by part. JSON.stringify and PostgreSQL's json parser are both fast; a timestamptz column
 * takes the ISO string of a Date. Declare a nested value's column `json` and cast it where it is used (`payload::jsonb`):
 * json_to_recordset builds a `jsonb` column's value on a slow path (55 rows of a 250-byte object: 0.48 ms, against
 * 0.36 ms for json cast to jsonb).
 *
 * The work-order create writes this way (modules/work-orders/create-writer.ts): every row carries `i`, the number of
 * the create it belongs to, so that the statement can write a create's rows only if that create claimed its
 * Idempotency-Key (`onlyIf`, a condition on the row alias).
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** `json_to_recordset(<rows>) AS <alias>(<columns>)`, for a FROM clause. `columns`: fixed text, `name type, …`. */
export function rowSet(rows: readonly object[], columns: string, alias = 'r'): RawBuilder<unknown> {
  return sql`json_to_recordset(${JSON.stringify(rows)}::json) AS ${sql.raw(alias)}(${sql.raw(columns)})`;
}

/**
 * `rowSet` for rows that carry, besides `rows[k]`'s fields, a field `jsonField` whose value `jsonTexts[k]` is JSON
 * text already — an answer serialised once for the client and stored as it is. The text is embedded as JSON, not as
 * a string, which JSON.stringify would escape character by character (and PostgreSQL unescape and parse again).
 * Declare that column `text` to get an object's or array's text back as it was written (the Idempotency-Key's answer),
 * or `json`; each text must be valid JSON (it comes from JSON.stringify) and, for `text`, not a bare string.
 */
export function rowSetWithJson(rows: readonly object[], jsonField: string, jsonTexts: readonly string[], columns: string, alias = 'r'): RawBuilder<unknown> {
  return sql`json_to_recordset(${jsonRowsText(rows, jsonField, jsonTexts)}::json) AS ${sql.raw(alias)}(${sql.raw(columns)})`;
}

/** The JSON array text of `rows`, each with `jsonField` set to its JSON text from `jsonTexts` (see rowSetWithJson). */
export function jsonRowsText(rows: readonly object[], jsonField: string, jsonTexts: readonly string[]): string {
  if (rows.length !== jsonTexts.length) throw new Error(`jsonRowsText: ${rows.length} rows, ${jsonTexts.length} texts`);
  const key = JSON.stringify(jsonField);
  const parts = rows.map((row, k) => {
    const head = JSON.stringify(row);
    return `${head.length === 2 ? '{' : `${head.slice(0, -1)},`}${key}:${jsonTexts[k]}}`;
  });
  return `[${parts.join(',')}]`;
}

/** A row of a set with the number of the create (or other unit) it belongs to. */
export type Numbered<T> = { i: number } & T;

/** The condition "row `r` belongs to a unit listed in the WITH part `part` (a column `i`)". */
export const belongsTo = (part: string, alias = 'r'): RawBuilder<SqlBool> => sql<SqlBool>`${sql.raw(alias)}.i IN (SELECT i FROM ${sql.ref(part)})`;
