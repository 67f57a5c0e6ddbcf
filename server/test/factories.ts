/**
 * Small row factories for integration tests: a jurisdiction, departments (with correct materialised paths),
 * users with role grants, and signing in through the real endpoint. They write rows directly (no audit
 * entries), so use the services when a test is about auditing.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/app-context.js';
import { hashPassword, type Role, type UserPrincipal } from '../src/modules/identity/index.js';

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function makeJurisdiction(db: Db, values: { id?: string; nameZh?: string; nameEn?: string; divisionCode?: string } = {}) {
  const id = values.id ?? `j${next()}.gov.cn`;
  await db
    .insertInto('jurisdictions')
    .values({ id, name_zh: values.nameZh ?? '测试市', name_en: values.nameEn ?? 'Test City', division_code: values.divisionCode ?? '510100' })
    .execute();
  return { id };
}

export interface MadeDepartment {
  id: string;
  jurisdictionId: string;
  path: string;
  code: string;
}

export async function makeDepartment(
  db: Db,
  values: { jurisdictionId: string; parent?: MadeDepartment | null; code?: string; kind?: 'government' | 'district' | 'street' | 'community' | 'functional' | 'unit'; nameZh?: string; nameEn?: string; active?: boolean },
): Promise<MadeDepartment> {
  const id = randomUUID();
  const code = values.code ?? `d${next()}`;
  const path = `${values.parent?.path ?? '/'}${id}/`;
  await db
    .insertInto('departments')
    .values({
      id,
      jurisdiction_id: values.jurisdictionId,
      parent_id: values.parent?.id ?? null,
      path,
      code,
      kind: values.kind ?? 'functional',
      name_zh: values.nameZh ?? `部门${code}`,
      name_en: values.nameEn ?? `Department ${code}`,
      active: values.active ?? true,
    })
    .execute();
  return { id, jurisdictionId: values.jurisdictionId, path, code };
}

export type ScopeSpec =
  | { kind: 'jurisdiction' }
  | { kind: 'department'; departmentId: string }
  | { kind: 'grids'; gridCodes: string[] }
  | { kind: 'self' };

export const TEST_PASSWORD = 'Test-Password-1';
const hashes = new Map<string, Promise<string>>();

export interface MadeUser {
  id: string;
  username: string;
  password: string;
  jurisdictionId: string;
}

export async function makeUser(
  db: Db,
  values: {
    jurisdictionId: string;
    username?: string;
    displayName?: string;
    password?: string;
    departmentId?: string | null;
    status?: 'active' | 'disabled';
    grants?: { role: Role; scope: ScopeSpec }[];
  },
): Promise<MadeUser> {
  const password = values.password ?? TEST_PASSWORD;
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const username = values.username ?? `u${next()}`;
  const row = await db
    .insertInto('users')
    .values({
      jurisdiction_id: values.jurisdictionId,
      username,
      display_name: values.displayName ?? username,
      department_id: values.departmentId ?? null,
      password_hash: await hashes.get(password)!,
      status: values.status ?? 'active',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const g of values.grants ?? []) {
    await db
      .insertInto('role_grants')
      .values({
        jurisdiction_id: values.jurisdictionId,
        user_id: row.id,
        role: g.role,
        scope_kind: g.scope.kind,
        department_id: g.scope.kind === 'department' ? g.scope.departmentId : null,
        grid_codes: g.scope.kind === 'grids' ? g.scope.gridCodes : [],
      })
      .execute();
  }
  return { id: row.id, username, password, jurisdictionId: values.jurisdictionId };
}

export interface Session {
  token: string;
  csrfToken: string;
  /** Authorization: Bearer — no CSRF token needed. */
  bearer: Record<string, string>;
  /** Cookie plus X-CSRF-Token, as the web app sends them. */
  cookie: Record<string, string>;
  /** Cookie only (for CSRF tests). */
  cookieOnly: Record<string, string>;
  user: { id: string; username: string };
}

let ipCounter = 1;

/** Signs in through POST /api/v1/auth/login, each from its own address so the per-IP limiter stays out of the way. */
export async function loginAs(app: FastifyInstance, user: { username: string; password?: string }): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: user.username, password: user.password ?? TEST_PASSWORD },
    remoteAddress: `10.1.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`,
  });
  if (res.statusCode !== 200) throw new Error(`login as ${user.username} failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { accessToken: string; csrfToken: string; user: { id: string; username: string } };
  const cookie = `cg_session=${body.accessToken}; cg_csrf=${body.csrfToken}`;
  return {
    token: body.accessToken,
    csrfToken: body.csrfToken,
    bearer: { authorization: `Bearer ${body.accessToken}` },
    cookie: { cookie, 'x-csrf-token': body.csrfToken },
    cookieOnly: { cookie },
    user: body.user,
  };
}

/**
 * A staff member's principal without a user row, for service-level tests that call the services directly: `role` over
 * the whole jurisdiction, or over one department.
 */
export function staffPrincipal(jurisdictionId: string, role: Role, department?: { id: string; path: string }): UserPrincipal {
  return {
    kind: 'user',
    userId: randomUUID(),
    username: role,
    displayName: role,
    jurisdictionId,
    departmentId: department?.id ?? null,
    mustChangePassword: false,
    grants: [{ role, scope: department ? { kind: 'department', departmentId: department.id, departmentPath: department.path } : { kind: 'jurisdiction' } }],
    via: 'bearer',
    sessionHash: '',
  };
}
