/**
 * Small row factories for integration tests: a jurisdiction, its divisions, departments (with correct materialised
 * paths), users with role grants, and signing in through the real endpoint (and walking an order through it). They
 * write rows directly (no audit entries), so use the services when a test is about auditing.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { AppContext, Db } from '../src/app-context.js';
import type { DivisionsTable } from '../src/db/schema.js';
import { hashPassword, type Role, type UserPrincipal } from '../src/modules/identity/index.js';
import { seedStandardCategories } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';

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

/** A GeoJSON MultiPolygon: the rectangle from (x0, y0) to (x1, y1), in degrees. */
const rectangle = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'MultiPolygon',
  coordinates: [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]],
});

/** A division of a jurisdiction, named by its code, with a GeoJSON boundary in WGS 84 (what placing an order reads). */
async function makeDivision(db: Db, values: { jurisdictionId: string; code: string; parentCode: string | null; level: DivisionsTable['level']; boundary: object }) {
  await sql`INSERT INTO divisions (jurisdiction_id, code, parent_code, level, name_zh, name_en, boundary)
            VALUES (${values.jurisdictionId}, ${values.code}, ${values.parentCode}, ${values.level}, ${values.code}, ${values.code},
                    ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(values.boundary)}), 4326))`.execute(db);
}

/**
 * The city the work-order suites place orders in: a jurisdiction (division code 510100) with the standard categories,
 * its boundary the square 104.0–104.2 × 30.6–30.8 with district 510104 the western half and, with `east`, district
 * 510105 the eastern half. Returns the jurisdiction's id.
 */
export async function makeTestCity(ctx: AppContext, options: { east?: boolean } = {}): Promise<string> {
  const j = (await makeJurisdiction(ctx.db, { divisionCode: '510100' })).id;
  await ctx.db.transaction().execute((tx) => seedStandardCategories(tx, ctx, j, systemActor('test', j)));
  await makeDivision(ctx.db, { jurisdictionId: j, code: '510100', parentCode: null, level: 'city', boundary: rectangle(104.0, 30.6, 104.2, 30.8) });
  await makeDivision(ctx.db, { jurisdictionId: j, code: '510104', parentCode: '510100', level: 'district', boundary: rectangle(104.0, 30.6, 104.1, 30.8) });
  if (options.east) await makeDivision(ctx.db, { jurisdictionId: j, code: '510105', parentCode: '510100', level: 'district', boundary: rectangle(104.1, 30.6, 104.2, 30.8) });
  return j;
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

/** Walks an order through actions over HTTP, each by the session `sessions` names first; each must succeed (200). */
export async function walkOrder(app: FastifyInstance, sessions: Record<string, Session>, order: { id: string; version: number }, steps: [string, object][]): Promise<void> {
  for (const [who, action] of steps) {
    const res = await app.inject({ method: 'POST', url: `/api/v1/work-orders/${order.id}/actions`, payload: { version: order.version, action }, headers: sessions[who]!.bearer });
    expect(res.statusCode, res.body).toBe(200);
    order.version = res.json().order.version;
  }
}

/** The evaluation suites' people: an analyst, a leader and a handler of a new jurisdiction, and an analyst of another. */
export async function makeEvaluationPeople(db: Db, app: FastifyInstance) {
  const j = (await makeJurisdiction(db)).id;
  const other = (await makeJurisdiction(db)).id;
  const user = (jurisdictionId: string, role: 'analyst' | 'leader' | 'handler') =>
    makeUser(db, { jurisdictionId, grants: [{ role, scope: { kind: 'jurisdiction' } }] }).then((u) => loginAs(app, u));
  const analyst = await user(j, 'analyst');
  const leader = await user(j, 'leader');
  const handler = await user(j, 'handler');
  const otherAnalyst = await user(other, 'analyst');
  return { analyst, leader, handler, otherAnalyst };
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
