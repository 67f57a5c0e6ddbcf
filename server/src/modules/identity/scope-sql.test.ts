import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.js';
import { escapeLike, scopeCondition } from './scope-sql.js';
import type { EffectiveScope } from './scope.js';

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const base: EffectiveScope = { jurisdictionId: 'j1', all: false, departmentPaths: [], gridCodes: [], ownerUserIds: [] };
const cols = { jurisdiction: 'users.jurisdiction_id', departmentPath: 'departments.path', owner: 'users.id' };
const compile = (scope: EffectiveScope, columns: Parameters<typeof scopeCondition>[1] = cols) =>
  db.selectFrom('users').select('users.id').where(scopeCondition(scope, columns)).compile();

describe('scopeCondition', () => {
  it('is a jurisdiction test for jurisdiction-wide scopes', () => {
    const q = compile({ ...base, all: true });
    expect(q.sql).toBe('select "users"."id" from "users" where "users"."jurisdiction_id" = $1');
    expect(q.parameters).toEqual(['j1']);
  });

  it('ORs department prefixes and owners inside the jurisdiction', () => {
    const q = compile({ ...base, departmentPaths: ['/a/', '/b_c/'], ownerUserIds: ['u1'] });
    expect(q.sql).toContain('("users"."jurisdiction_id" = $1 AND ("departments"."path" LIKE $2 OR "departments"."path" LIKE $3 OR "users"."id" IN ($4)))');
    expect(q.parameters).toEqual(['j1', '/a/%', '/b\\_c/%', 'u1']);
  });

  it('matches nothing when the scope lists nothing the table has', () => {
    expect(compile(base).sql).toContain('where false');
    // grid scopes on a table without grid codes
    expect(compile({ ...base, gridCodes: ['510104'] }).sql).toContain('where false');
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});
