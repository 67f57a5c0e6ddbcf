/**
 * Seeds the demo city on an empty database. Everything — jurisdiction, divisions, departments, accounts, their
 * audit entries and events — goes in one transaction that first takes a lock and checks for the jurisdiction,
 * so a second start (or a second process starting at the same moment) seeds nothing and a crash mid-seed
 * leaves nothing half-made.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { AppContext } from '../../app-context.js';
import { ensureDemoEvaluation } from '../evaluation/index.js';
import { CENTRAL_DISTRICTS, ensureDemoComponents, ensureDemoGrids, seedStandardComponentClasses } from '../grid/index.js';
import { createUserWithin, hashPassword } from '../identity/index.js';
import { ensureDemoInspectorTasks } from '../inspector/index.js';
import { seedDemoKnowledge } from '../knowledge/index.js';
import { seedDemoOpen311 } from '../open311/index.js';
import { ensureDemoWorkOrders, ensureDemoClassifier, seedDemoWorkOrderSetup } from '../work-orders/index.js';
import { addDivisionsWithin, createDepartmentWithin, createJurisdictionWithin, findJurisdiction, type DivisionInsert } from '../org/index.js';
import { systemActor } from '../../shared/actor.js';
import { ACCOUNTS, CITY_DEPARTMENTS, DISTRICT_NAMES_EN, INSPECTOR_GRIDS, JINJIANG_LOCAL, JURISDICTION, type DemoDepartment } from './chengdu.js';
import { lockSeed } from './demo.repo.js';

export interface DemoAccount {
  username: string;
  role: string;
  displayName: string;
  scope: string;
}

export interface SeedResult {
  seeded: boolean;
  jurisdictionId: string;
  accounts: DemoAccount[];
}

interface DistrictFeature {
  id: string;
  properties: { name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

const GEOJSON = new URL('./data/chengdu-districts.geojson', import.meta.url);

export function readDistricts(): DivisionInsert[] {
  const fc = JSON.parse(readFileSync(GEOJSON, 'utf8')) as { features: DistrictFeature[] };
  return fc.features
    .map((f) => ({
      code: String(f.id),
      parentCode: JURISDICTION.divisionCode,
      level: 'district' as const,
      nameZh: f.properties.name,
      nameEn: DISTRICT_NAMES_EN[String(f.id)] ?? null,
      boundary: f.geometry,
    }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

export const demoAccounts = (): DemoAccount[] =>
  ACCOUNTS.map((a) => ({ username: a.username, role: a.grant.role, displayName: a.displayNameZh, scope: a.scope }));

export async function seedDemo(ctx: Pick<AppContext, 'db' | 'outbox' | 'config' | 'handlers'>, options: { password: string }): Promise<SeedResult> {
  const result = { jurisdictionId: JURISDICTION.id, accounts: demoAccounts() };
  // Cheap check first so an ordinary restart does not pay for hashing.
  if (await findJurisdiction(ctx, JURISDICTION.id)) {
    await seedDemoGrids(ctx);
    return { seeded: false, ...result };
  }
  const districts = readDistricts();
  const passwordHash = await hashPassword(options.password);
  const actor = systemActor('demo-seed', JURISDICTION.id);
  const seeded = await ctx.db.transaction().execute(async (tx) => {
    await lockSeed(tx);
    if (await findJurisdiction({ db: tx }, JURISDICTION.id)) return false;
    await createJurisdictionWithin(tx, ctx, JURISDICTION, actor);
    await addDivisionsWithin(
      tx,
      ctx,
      JURISDICTION.id,
      [{ code: JURISDICTION.divisionCode, parentCode: null, level: 'city', nameZh: JURISDICTION.nameZh, nameEn: JURISDICTION.nameEn, boundary: null }, ...districts],
      actor,
      { deriveBoundaryOf: [JURISDICTION.divisionCode] },
    );
    const districtDepartments: DemoDepartment[] = districts.map((d) => ({
      code: `cd-${d.code}`,
      parent: 'cd-gov',
      kind: 'district',
      nameZh: `${d.nameZh}人民政府`,
      nameEn: `${d.nameEn ?? d.code} Government`,
      divisionCode: d.code,
    }));
    const ids = new Map<string, string>();
    for (const d of [...CITY_DEPARTMENTS, ...districtDepartments, ...JINJIANG_LOCAL]) {
      const parentId = d.parent ? ids.get(d.parent) : null;
      if (d.parent && !parentId) throw new Error(`demo department ${d.code} listed before its parent ${d.parent}`);
      const created = await createDepartmentWithin(tx, ctx, { jurisdictionId: JURISDICTION.id, parentId, code: d.code, kind: d.kind, nameZh: d.nameZh, nameEn: d.nameEn, divisionCode: d.divisionCode ?? null }, actor);
      ids.set(d.code, created.id);
    }
    for (const a of ACCOUNTS) {
      await createUserWithin(tx, ctx, { jurisdictionId: JURISDICTION.id, username: a.username, displayName: a.displayNameZh, passwordHash, departmentCode: a.departmentCode, grants: [a.grant], mustChangePassword: false }, actor);
    }
    return true;
  });
  await seedDemoGrids(ctx);
  return { seeded, ...result };
}

/**
 * Unit grids generated over the central districts, the standard component classes and the demo category model
 * (work-order classifier, trained from the shipped data when none is active), each in its own
 * transaction after the city exists; each is a no-op when already there, so a start interrupted between the
 * steps finishes the job next time. Two starts racing are serialised by a session lock on one pinned connection
 * that every step runs on (also right for the embedded database's single connection): the second finds everything
 * there. Without it, steps that check and then insert (the standard categories, seeded by two starts at once) could
 * both insert.
 */
async function seedDemoGrids(ctx: Pick<AppContext, 'db' | 'outbox' | 'config' | 'handlers'>): Promise<void> {
  await ctx.db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(hashtext('civicgrid.demo-seed-steps'))`.execute(conn);
    try {
      await seedDemoSteps({ ...ctx, db: conn });
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext('civicgrid.demo-seed-steps'))`.execute(conn);
    }
  });
}

async function seedDemoSteps(ctx: Pick<AppContext, 'db' | 'outbox' | 'config' | 'handlers'>): Promise<void> {
  const districts = () => readDistricts().map((d) => ({ code: d.code, name: d.nameZh, boundary: d.boundary }));
  const actor = systemActor('demo-seed', JURISDICTION.id);
  // Each district government answers for its grids; the demo inspector patrols the grids of their grant.
  const districtDepartments = Object.fromEntries(CENTRAL_DISTRICTS.map((code) => [code, `cd-${code}`]));
  await ensureDemoGrids(ctx, JURISDICTION.id, districts, actor, CENTRAL_DISTRICTS, { districtDepartments, inspectors: { inspector: INSPECTOR_GRIDS } });
  await seedStandardComponentClasses(ctx, JURISDICTION.id, actor);
  await ensureDemoComponents(ctx, JURISDICTION.id, actor);
  await seedDemoKnowledge(ctx, JURISDICTION.id, actor);
  await seedDemoWorkOrderSetup(ctx, JURISDICTION.id, actor);
  await ensureDemoClassifier(ctx, JURISDICTION.id);
  await ensureDemoWorkOrders(ctx, JURISDICTION.id);
  // After the month of orders (which is only generated into an empty city): open tasks for the demo inspector.
  await ensureDemoInspectorTasks(ctx, JURISDICTION.id, INSPECTOR_GRIDS);
  await seedDemoOpen311(ctx.db, JURISDICTION.id, actor);
  // The 680-city synthetic evaluation with a completed run, so the 评估 page has something to show.
  await ensureDemoEvaluation(ctx, JURISDICTION.id, actor);
}
