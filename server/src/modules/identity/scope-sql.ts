/**
 * Turning an EffectiveScope into SQL, so repositories filter lists by scope in the database (never by fetching
 * everything and dropping rows in JS). Pass the column names of the table being filtered:
 *
 *   .where(scopeCondition(scopeOf(principal, 'user.read'), {
 *     jurisdiction: 'users.jurisdiction_id', departmentPath: 'departments.path', owner: 'users.id' }))
 *
 * A column left out means "this kind of object has no such coordinate": grants of that kind then match nothing.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { EffectiveScope } from './scope.js';

export interface ScopeColumns {
  jurisdiction: string;
  departmentPath?: string;
  gridCode?: string;
  owner?: string;
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function scopeCondition(scope: EffectiveScope, columns: ScopeColumns): RawBuilder<SqlBool> {
  const inJurisdiction = sql<SqlBool>`${sql.ref(columns.jurisdiction)} = ${scope.jurisdictionId}`;
  if (scope.all) return inJurisdiction;
  const alternatives: RawBuilder<unknown>[] = [];
  if (columns.departmentPath) {
    for (const p of scope.departmentPaths) alternatives.push(sql`${sql.ref(columns.departmentPath)} LIKE ${`${escapeLike(p)}%`}`);
  }
  if (columns.gridCode) {
    for (const c of scope.gridCodes) alternatives.push(sql`${sql.ref(columns.gridCode)} LIKE ${`${escapeLike(c)}%`}`);
  }
  if (columns.owner && scope.ownerUserIds.length > 0) {
    // The owner column compared as it is (user ids are uuids; the parameters take the column's type), so that its
    // index serves a resident's list — a cast of the column to text hid it from every index.
    alternatives.push(sql`${sql.ref(columns.owner)} IN (${sql.join(scope.ownerUserIds)})`);
  }
  if (alternatives.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${inJurisdiction} AND (${sql.join(alternatives, sql` OR `)}))`;
}
