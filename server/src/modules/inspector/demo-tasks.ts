/**
 * Open tasks for the demo inspector: the month of demo orders is spread over thousands of grids, so the few grids
 * one inspector patrols would rarely have any. This adds four orders in those grids, through the real intake and
 * lifecycle (as the staff who would do each step): two new reports waiting for 核实 (one already overdue) and two
 * handled orders waiting for 核查 (one overdue). Each is created once (found again by its description).
 */
import { sql } from 'kysely';
import type { AppContext } from '../../app-context.js';
import type { Role, UserPrincipal } from '../identity/index.js';
import { createWorkOrder, transitionWorkOrder, type Action, type Caller, type Channel, type RequestType } from '../work-orders/index.js';
import { systemActor } from '../../shared/actor.js';
import { AppError } from '../../shared/errors.js';

type Ctx = Pick<AppContext, 'db' | 'outbox'> & { config: Pick<AppContext['config'], 'secretKey'> };

const MINUTE = 60_000;

interface Plan {
  type: RequestType;
  category: string;
  channel: Channel;
  title: string;
  description: string;
  /** Minutes before now the report came in. */
  ageMin: number;
  /** For a 核查 task: minutes before now the department reported it handled. */
  reportedMin?: number;
}

const PLANS: Plan[] = [
  { type: 'component', category: 'component.01.0102', channel: 'hotline', title: '人行道井盖缺失', description: '春熙路步行街东口人行道上一个井盖不见了，井口只用纸箱盖着，请尽快核实处理。', ageMin: 25 },
  { type: 'event', category: 'event.05.04', channel: 'web', title: '店外占道经营', description: '红星路二段几家水果店把货架摆到人行道上，行人只能绕到非机动车道。', ageMin: 95 },
  { type: 'component', category: 'component.01.0118', channel: 'hotline', title: '路灯不亮', description: '总府路与红星路路口北侧一排路灯连续三晚不亮，路口很暗。', ageMin: 30 * 60, reportedMin: 70 },
  { type: 'event', category: 'event.01.01', channel: 'mobile', title: '暴露垃圾', description: '东风路社区后巷绿化带内堆着生活垃圾和旧家具，已经好几天没人清理。', ageMin: 40 * 60, reportedMin: 5 * 60 },
];

function principal(user: { id: string; username: string; display_name: string; department_id: string | null }, jurisdictionId: string, role: Role): UserPrincipal {
  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    jurisdictionId,
    departmentId: user.department_id,
    mustChangePassword: false,
    grants: [{ role, scope: { kind: 'jurisdiction' } }],
    via: 'bearer',
    sessionHash: 'demo-seed',
  };
}

export async function ensureDemoInspectorTasks(ctx: Ctx, jurisdictionId: string, gridCodes: readonly string[], now = new Date()): Promise<number> {
  const users = await ctx.db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'department_id'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('username', 'in', ['agent', 'dispatcher', 'handler'])
    .execute();
  const by = new Map(users.map((u) => [u.username, u]));
  const handler = by.get('handler');
  if (!by.get('agent') || !by.get('dispatcher') || !handler?.department_id) return 0;
  // Points spread over the inspector's grids (PostGIS, seeded: the same points every time).
  const { rows: points } = await sql<{ lng: number; lat: number }>`
    SELECT ST_X(d.geom) AS lng, ST_Y(d.geom) AS lat
      FROM (SELECT ST_Union(geom) AS g FROM grids WHERE jurisdiction_id = ${jurisdictionId} AND code = ANY(${[...gridCodes]}::text[])) u,
           LATERAL ST_Dump(ST_GeneratePoints(u.g, ${PLANS.length}, 4)) d
     WHERE u.g IS NOT NULL`.execute(ctx.db);
  if (points.length < PLANS.length) return 0;
  const as = (username: string, role: Role): Caller => ({ principal: principal(by.get(username)!, jurisdictionId, role), audit: systemActor('demo-seed', jurisdictionId) });
  let made = 0;
  for (const [i, plan] of PLANS.entries()) {
    const exists = await ctx.db.selectFrom('work_orders').select('id').where('jurisdiction_id', '=', jurisdictionId).where('description', '=', plan.description).executeTakeFirst();
    if (exists) continue;
    const created = new Date(now.getTime() - plan.ageMin * MINUTE);
    // Two starts seeding at once: the key makes the second create answer with the first one's order.
    const { order, replayed } = await createWorkOrder(
      ctx,
      { jurisdictionId, channel: plan.channel, requestType: plan.type, categoryCode: plan.category, title: plan.title, description: plan.description, location: points[i]!, urgency: 'normal' },
      plan.channel === 'hotline' ? as('agent', 'agent') : { principal: null, audit: systemActor('demo-seed', jurisdictionId) },
      { now: created, idempotency: { scope: `demo:inspector-tasks:${jurisdictionId}`, key: `demo-inspector-${i + 1}`, body: plan } },
    );
    if (!replayed) made += 1;
    if (plan.reportedMin === undefined) continue;
    const reportedAt = new Date(now.getTime() - plan.reportedMin * MINUTE);
    const span = reportedAt.getTime() - created.getTime();
    const steps: Array<{ from: string; who: string; role: Role; action: Action }> = [
      { from: 'received', who: 'agent', role: 'agent', action: { type: 'accept' } },
      { from: 'accepted', who: 'dispatcher', role: 'dispatcher', action: { type: 'dispatch', departmentId: handler.department_id } },
      { from: 'dispatched', who: 'handler', role: 'handler', action: { type: 'sign' } },
      { from: 'signed', who: 'handler', role: 'handler', action: { type: 'start' } },
      { from: 'in_progress', who: 'handler', role: 'handler', action: { type: 'report', note: '已到现场处置完毕，请核查。' } },
    ];
    // Each step from the state the order is in now, so a racing seed (or a rerun) finishes the walk, never repeats it.
    for (let round = 0; round < 2 * steps.length; round++) {
      const cur = await ctx.db.selectFrom('work_orders').select(['status', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow();
      const k = steps.findIndex((s) => s.from === cur.status);
      if (k < 0) break;
      const step = steps[k]!;
      const at = new Date(created.getTime() + ((k + 1) * span) / steps.length);
      try {
        await transitionWorkOrder(ctx, { jurisdictionId, id: order.id, expectedVersion: cur.version }, step.action, as(step.who, step.role), at);
      } catch (err) {
        if (!(err instanceof AppError && err.kind === 'conflict')) throw err;
      }
    }
  }
  return made;
}
