/**
 * Demo work orders for the demo city: a month of synthetic (clearly invented) reports in the central districts, from
 * every channel, each walked through the real lifecycle (`apply`, so every state and timeline entry is one the
 * product itself could produce) to a stage that fits its age — recent ones waiting for intake or a department,
 * older ones closed and rated, a few returned, reworked, suspended, merged or overdue under supervision. Deadlines
 * come from the same SLA planner as live orders, and open orders get their deadline timers.
 *
 * Written in bulk (multi-row inserts in one transaction) so a first start stays quick; a no-op once the city has
 * any work order. One audit entry records the seeding.
 */
import { sql } from 'kysely';
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { locatorFor, type LocatedGrid } from '../grid/index.js';
import { phoneLookup, sealPersonal } from '../identity/index.js';
import { noRequest, systemActor } from '../../shared/actor.js';
import { searchText } from '../../shared/chinese-text.js';
import { planDeadlines, signDeadline } from './deadline-plan.js';
import { apply, FINISHING_ACTIONS, newOrder, type Action, type Actor, type LifecycleOrder, type RequestType } from './lifecycle.js';
import { suggestDepartment } from './responsibility.service.js';
import { cancelSlaTimers, registerSlaTimers, scheduleSlaTimers } from './sla-timers.js';
import { formatTicketCode, shanghaiDay } from './ticket-code.js';
import * as repo from './work-orders.repo.js';
import { mulberry32 } from '../../shared/random.js';

type Ctx = Pick<AppContext, 'db' | 'outbox' | 'handlers'> & { config: Pick<AppContext['config'], 'secretKey'> };

interface Template {
  category: string;
  type: RequestType;
  title: string;
  description: string;
}

/** Invented reports, in the words residents and inspectors use; `{road}` becomes a Chengdu street. */
const TEMPLATES: Template[] = [
  { category: 'component.01.0102', type: 'component', title: '污水井盖丢失', description: '{road}人行道上的污水井盖丢失，井口敞开，夜间行人容易踩空。' },
  { category: 'component.01.0103', type: 'component', title: '雨水井盖破损', description: '{road}路口雨水井盖碎裂下陷，车辆经过有响声。' },
  { category: 'component.01.0118', type: 'component', title: '路灯不亮', description: '{road}一段路灯连续几晚不亮，路段较暗，存在安全隐患。' },
  { category: 'component.01.0113', type: 'component', title: '消防栓漏水', description: '{road}小区门口的室外消防栓一直在漏水。' },
  { category: 'component.02.0209', type: 'component', title: '交通标志牌被撞歪', description: '{road}的限速标志牌被车撞歪，朝向不对。' },
  { category: 'component.02.0211', type: 'component', title: '交通护栏倒伏', description: '{road}中央隔离护栏有三节倒在车道上。' },
  { category: 'component.03.0305', type: 'component', title: '垃圾箱破损', description: '{road}公交站旁的垃圾箱桶身破裂，垃圾散落。' },
  { category: 'component.04.0402', type: 'component', title: '行道树倾斜', description: '{road}一棵行道树被风吹得严重倾斜，压到电线。' },
  { category: 'component.04.0407', type: 'component', title: '街头坐椅损坏', description: '{road}街边座椅木条断裂，有钉子露出。' },
  { category: 'event.01.01', type: 'event', title: '暴露垃圾', description: '{road}绿化带内有大量生活垃圾，无人清理。' },
  { category: 'event.01.02', type: 'event', title: '积存垃圾渣土', description: '{road}空地堆放建筑渣土，已经好几天了。' },
  { category: 'event.01.03', type: 'event', title: '道路不洁', description: '{road}路面油污严重，行人容易滑倒。' },
  { category: 'event.02.01', type: 'event', title: '非法张贴小广告', description: '{road}电线杆和墙面贴满办证小广告。' },
  { category: 'event.03.01', type: 'event', title: '夜间施工扰民', description: '{road}工地晚上十一点以后还在施工，噪音很大影响休息。' },
  { category: 'event.03.02', type: 'event', title: '工地扬尘', description: '{road}工地未覆盖裸土，刮风时扬尘严重。' },
  { category: 'event.04.01', type: 'event', title: '路面塌陷', description: '{road}机动车道出现约一米宽的塌陷坑。' },
  { category: 'event.04.04', type: 'event', title: '下水道堵塞', description: '{road}下水道堵塞，污水漫到人行道上。' },
  { category: 'event.05.04', type: 'event', title: '店外经营', description: '{road}多家餐馆在人行道上摆桌经营，行人只能走机动车道。' },
  { category: 'event.05.05', type: 'event', title: '机动车乱停放', description: '{road}消防通道被私家车长期占用。' },
  { category: 'event.05.06', type: 'event', title: '共享单车乱停放', description: '{road}地铁口共享单车堆成一片，堵住盲道。' },
  { category: 'event.05.10', type: 'event', title: '露天烧烤', description: '{road}夜市露天烧烤油烟大，附近居民无法开窗。' },
  { category: 'utilities.water', type: 'help', title: '小区停水没有通知', description: '{road}附近小区从早上开始停水，没有看到任何停水通知，请问什么时候恢复？' },
  { category: 'utilities.power', type: 'help', title: '片区停电', description: '{road}一带突然停电两个小时，家里有老人需要用制氧机。' },
  { category: 'utilities.gas', type: 'help', title: '闻到燃气味', description: '{road}单元楼道里有明显燃气味，请尽快派人检查。' },
  { category: 'transport', type: 'suggestion', title: '建议增设公交站', description: '{road}周边新小区入住多，最近的公交站要走二十分钟，建议增设站点。' },
  { category: 'transport', type: 'complaint', title: '公交车不按站停车', description: '乘坐经过{road}的公交车，司机多次不按站停车。' },
  { category: 'environment', type: 'complaint', title: '餐馆油烟扰民', description: '{road}临街餐馆排烟口正对居民楼窗户，油烟很大。' },
  { category: 'environment', type: 'report', title: '河道有异味', description: '{road}旁的河道水面发黑，夏天气味很重。' },
  { category: 'market', type: 'complaint', title: '超市销售过期食品', description: '在{road}一家超市买到过期的牛奶，商家拒绝退换。' },
  { category: 'market', type: 'report', title: '商铺价格欺诈', description: '{road}一家水果店标价与结账价格不一致。' },
  { category: 'housing', type: 'complaint', title: '物业不作为', description: '{road}小区电梯坏了一周，物业一直说在等配件。' },
  { category: 'housing', type: 'enquiry', title: '公租房申请条件咨询', description: '想咨询一下在成都申请公租房需要满足什么条件，需要准备哪些材料？' },
  { category: 'labour', type: 'complaint', title: '工资拖欠', description: '在{road}附近的工地干活，老板拖欠三个月工资不发。' },
  { category: 'labour', type: 'enquiry', title: '社保转移咨询', description: '从外地来成都工作，社保怎么转移过来？' },
  { category: 'education', type: 'enquiry', title: '小学入学咨询', description: '孩子明年上小学，户口和房产不在一个区，应该去哪里报名？' },
  { category: 'health', type: 'complaint', title: '医院排队时间过长', description: '{road}附近的社区医院挂号排队两个小时，建议增加窗口。' },
  { category: 'government', type: 'enquiry', title: '居住证办理咨询', description: '办理居住证需要带哪些材料，可以在网上办吗？' },
  { category: 'civil', type: 'help', title: '老人走失求助', description: '家中老人在{road}附近走失，有轻度认知障碍，请求帮助寻找。' },
];

const ROADS = ['春熙路', '红星路', '总府路', '东门街', '书院街', '人民南路', '蜀都大道', '天府大道', '一环路', '青华路', '金牛大道', '抚琴路', '建设路', '玉林路', '科华北路', '双林路', '驷马桥街', '光华大道', '沙湾路', '猛追湾街'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '华', '平'];

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface Staff {
  agent: string;
  dispatcher: string;
  handler: string;
  inspector: string;
  handlerDepartment: string | null;
}

interface Planned {
  row: repo.NewWorkOrder;
  state: LifecycleOrder;
  sla: repo.SlaFields;
  timeline: Array<Omit<Parameters<typeof repo.insertTimelineEntry>[1], 'workOrderId'>>;
  /** Planned as a later report of the same problem (stays received for the dispatcher, or merged into it). */
  duplicateOf?: Planned;
  id?: string;
}

export const DEMO_ORDER_COUNT = 360;

export async function ensureDemoWorkOrders(ctx: Ctx, jurisdictionId: string, now = new Date(), count = DEMO_ORDER_COUNT): Promise<number> {
  const any = await ctx.db.selectFrom('work_orders').select('id').where('jurisdiction_id', '=', jurisdictionId).limit(1).executeTakeFirst();
  if (any) return 0;
  const staff = await demoStaff(ctx.db, jurisdictionId);
  if (!staff) return 0;
  // The seed may run before the module is created (CLI, tests): open orders need the deadline timer handler.
  registerSlaTimers(ctx);
  const started = Date.now();
  const random = mulberry32(20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const index = await locatorFor(ctx.db).indexFor(jurisdictionId);
  const bounds = { w: 103.95, e: 104.19, s: 30.56, n: 30.78 };

  const plans: Planned[] = [];
  for (let i = 0; i < count * 20 && plans.length < count; i++) {
    const lng = bounds.w + random() * (bounds.e - bounds.w);
    const lat = bounds.s + random() * (bounds.n - bounds.s);
    const grid = index.locate(lng, lat)?.value;
    if (!grid) continue;
    // Newer orders are more common: ages skew towards the last days of the month.
    const ageDays = 30 * random() ** 1.6;
    const created = workingTime(new Date(now.getTime() - ageDays * DAY), random);
    if (created.getTime() > now.getTime()) continue;
    const tpl = pick(TEMPLATES);
    plans.push(await planOrder(ctx, jurisdictionId, tpl, { lng, lat }, grid, created, now, staff, random, pick));
    // Now and then a second resident reports the same thing at the same place a little later: a duplicate.
    const later = new Date(created.getTime() + (1 + random() * 5) * HOUR);
    if (random() < 0.04 && later < now && tpl.type !== 'enquiry') {
      const near = { lng: lng + (random() - 0.5) * 0.0003, lat: lat + (random() - 0.5) * 0.0003 };
      const dup = await planOrder(ctx, jurisdictionId, tpl, near, grid, later, now, staff, random, pick, 1);
      dup.duplicateOf = plans.at(-1)!;
      plans.push(dup);
    }
  }
  plans.sort((a, b) => a.row.createdAt.getTime() - b.row.createdAt.getTime());

  return ctx.db.transaction().execute(async (tx) => {
    // Two starts seeding at once both planned; only the first to take the lock writes.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`demo-work-orders:${jurisdictionId}`}))`.execute(tx);
    const again = await tx.selectFrom('work_orders').select('id').where('jurisdiction_id', '=', jurisdictionId).limit(1).executeTakeFirst();
    if (again) return 0;
    // Ticket codes in order of creation, numbered per day as live intake does, and the counters left after them.
    const perDay = new Map<string, number>();
    // The demo city's tickets read CD… (成都), like the issue's example; live intake uses the same setting.
    let prefix = await repo.findTicketPrefix(tx, jurisdictionId);
    if (prefix === undefined) {
      prefix = 'CD';
      await repo.upsertTicketPrefix(tx, jurisdictionId, prefix);
    }
    for (const p of plans) {
      const day = shanghaiDay(p.row.createdAt);
      const seq = (perDay.get(day) ?? 0) + 1;
      perDay.set(day, seq);
      p.row.code = formatTicketCode(prefix, day, seq);
    }
    for (const [day, last] of perDay) {
      await tx
        .insertInto('work_order_code_counters')
        .values({ jurisdiction_id: jurisdictionId, day, last_seq: last })
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'day']).doUpdateSet({ last_seq: sql<number>`GREATEST(work_order_code_counters.last_seq, ${last})` }))
        .execute();
    }
    for (let i = 0; i < plans.length; i += 100) {
      const batch = plans.slice(i, i + 100);
      const ids = await insertBatch(tx, batch);
      batch.forEach((p, k) => (p.id = ids[k]));
      const entries = batch.flatMap((p, k) => p.timeline.map((e) => ({ ...e, workOrderId: ids[k]! })));
      for (let e = 0; e < entries.length; e += 500) {
        await tx
          .insertInto('work_order_timeline')
          .values(
            entries.slice(e, e + 500).map((x) => ({
              jurisdiction_id: x.jurisdictionId,
              work_order_id: x.workOrderId,
              at: x.at,
              action: x.action,
              from_status: x.from,
              to_status: x.to,
              actor_id: x.actorId,
              actor_role: x.actorRole,
              note: x.note,
              photos: JSON.stringify(x.photos),
              data: JSON.stringify(x.data),
            })),
          )
          .execute();
      }
      for (const id of ids) {
        const row = await repo.lockWorkOrder(tx, id);
        if (row && !['answered', 'rejected', 'closed', 'rated', 'cancelled', 'merged', 'suspended'].includes(row.status)) await scheduleSlaTimers(tx, ctx, row);
      }
    }
    await mergeDuplicates(tx, ctx, jurisdictionId, plans, random, now);
    const actor = systemActor('demo-seed', jurisdictionId);
    await recordAudit(tx, { actor, request: noRequest, action: 'demo.seed_work_orders', jurisdictionId, objectType: 'jurisdiction', objectId: jurisdictionId, details: { count: plans.length, ms: Date.now() - started } });
    return plans.length;
  });
}

async function demoStaff(db: Db, jurisdictionId: string): Promise<Staff | null> {
  const users = await db.selectFrom('users').select(['id', 'username', 'department_id']).where('jurisdiction_id', '=', jurisdictionId).where('username', 'in', ['agent', 'dispatcher', 'handler', 'inspector']).execute();
  const by = new Map(users.map((u) => [u.username, u]));
  if (!by.has('agent') || !by.has('dispatcher') || !by.has('handler') || !by.has('inspector')) return null;
  return { agent: by.get('agent')!.id, dispatcher: by.get('dispatcher')!.id, handler: by.get('handler')!.id, inspector: by.get('inspector')!.id, handlerDepartment: by.get('handler')!.department_id };
}

/** Moves an instant into office hours of a weekday (most reports are made by day), keeping its date. */
function workingTime(at: Date, random: () => number): Date {
  const local = new Date(at.getTime() + 8 * HOUR);
  const hour = 8 + Math.floor(random() * 12); // 08:00–19:59
  local.setUTCHours(hour, Math.floor(random() * 60), Math.floor(random() * 60), 0);
  return new Date(local.getTime() - 8 * HOUR);
}

async function planOrder(
  ctx: Ctx,
  jurisdictionId: string,
  tpl: Template,
  point: { lng: number; lat: number },
  grid: LocatedGrid,
  created: Date,
  now: Date,
  staff: Staff,
  random: () => number,
  pick: <T>(xs: readonly T[]) => T,
  /** The furthest stage this order may reach (a duplicate waits at intake). */
  stageCap = Infinity,
): Promise<Planned> {
  const road = pick(ROADS);
  const description = tpl.description.replace('{road}', road);
  const inspectorReport = tpl.type === 'component' || tpl.type === 'event';
  const channel = inspectorReport && random() < 0.6 ? 'inspector' : pick(['hotline', 'hotline', 'hotline', 'web', 'mobile', 'wechat'] as const);
  const anonymous = channel !== 'inspector' && random() < 0.12;
  const name = channel === 'inspector' || anonymous ? null : `${pick([...SURNAMES])}${pick(GIVEN)}`;
  const phone = name === null ? null : `1${pick(['38', '39', '58', '59', '86', '87', '36', '37'])}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
  const urgency = tpl.category === 'utilities.gas' || tpl.title === '路面塌陷' ? 'emergency' : random() < 0.08 ? 'complex' : 'normal';
  const suggestion = await suggestDepartment(ctx.db, jurisdictionId, { categoryCode: tpl.category, districtCode: grid.district.code, gridCode: grid.code });
  const departmentId = suggestion?.departmentId ?? staff.handlerDepartment;
  const address = `${grid.district.name}${road}`;

  const row: repo.NewWorkOrder = {
    jurisdictionId,
    code: '',
    channel,
    requestType: tpl.type,
    categoryCode: tpl.category,
    title: tpl.title,
    description,
    location: point,
    address,
    gridCode: grid.code,
    districtCode: grid.district.code,
    reporterNameEnc: name === null ? null : sealPersonal(ctx.config.secretKey, name),
    reporterPhoneEnc: phone === null ? null : sealPersonal(ctx.config.secretKey, phone),
    reporterPhoneLast4: phone === null ? null : phone.slice(-4),
    reporterPhoneHmac: phone === null ? null : phoneLookup(ctx.config.secretKey, phone),
    reporterUserId: null,
    anonymous,
    urgency,
    componentCode: null,
    searchText: searchText(`${tpl.title} ${description} ${address}`),
    slaStartedAt: created,
    warnAt: null,
    dueAt: null,
    createdAt: created,
  };

  // How far along: by age, with some randomness.
  const ageDays = (now.getTime() - created.getTime()) / DAY;
  const stages = ['received', 'accepted', 'dispatched', 'signed', 'in_progress', 'reported', 'verified', 'closed', 'rated'] as const;
  const progress = Math.min(stages.length - 1, stageCap, Math.floor(ageDays * 1.3 + random() * 3));
  const target = stages[progress]!;

  let state = newOrder(tpl.type);
  let at = created;
  const sla: repo.SlaFields = { warnAt: null, dueAt: null, slaPauses: [], warned: false, overdue: false, signDueAt: null, signOverdue: false, dispatchedAt: null, closedAt: null };
  const timeline: Planned['timeline'] = [
    { jurisdictionId, at: created, action: 'create', from: null, to: 'received', actorId: channel === 'inspector' ? staff.inspector : channel === 'hotline' ? staff.agent : null, actorRole: channel === 'inspector' ? 'inspector' : channel === 'hotline' ? 'agent' : 'public', note: null, photos: [], data: { channel } },
  ];
  const actors: Record<string, Actor> = {
    agent: { userId: staff.agent, role: 'agent' },
    dispatcher: { userId: staff.dispatcher, role: 'dispatcher' },
    handler: { userId: staff.handler, role: 'handler', departmentId },
    inspector: { userId: staff.inspector, role: 'inspector' },
    resident: { userId: '', role: 'resident' },
  };
  // Orders with hours, not days, to go (emergencies, utilities) move at that pace, mostly within their time.
  const pace = urgency === 'emergency' || tpl.category.startsWith('utilities') ? 0.06 : 1;
  const step = (who: keyof typeof actors, action: Action, hours: number): boolean => {
    const when = new Date(Math.min(now.getTime() - 60_000, at.getTime() + hours * pace * HOUR * (0.5 + random())));
    if (when.getTime() <= at.getTime()) return false;
    const result = apply(state, action, actors[who]!, when);
    if (!result.ok) return false;
    state = result.next;
    at = when;
    const e = result.entry;
    timeline.push({ jurisdictionId, at: e.at, action: e.action, from: e.from, to: e.to, actorId: e.actorId || null, actorRole: e.actorRole, note: e.note, photos: e.photos, data: e.data });
    if (action.type === 'dispatch') {
      sla.dispatchedAt = when;
      sla.signDueAt = signDeadline(when);
    }
    if (action.type === 'sign') sla.signDueAt = null;
    if (FINISHING_ACTIONS.has(action.type)) sla.closedAt = when;
    return true;
  };

  const reached = () => stages.indexOf(state.status as (typeof stages)[number]) >= progress || state.status === target;
  if (tpl.type === 'enquiry' && progress >= 1) {
    step('agent', { type: 'answer', note: '已根据政策规定答复市民，并告知办理渠道。' }, 0.2);
    if (progress >= 7 && random() < 0.8) step('resident', { type: 'rate', rating: random() < 0.85 ? 'satisfied' : 'basically' }, 6);
  } else {
    if (!reached()) step('agent', { type: 'accept' }, 0.3);
    if (!reached() && departmentId) {
      step('dispatcher', { type: 'dispatch', departmentId }, 0.5);
      // Now and then the department returns a misrouted order and it is sent again.
      if (!reached() && random() < 0.07) {
        step('handler', { type: 'return', reason: '不属于本部门职责范围，请重新派遣。' }, 1);
        step('dispatcher', { type: 'dispatch', departmentId }, 1);
      }
    }
    if (!reached()) step('handler', { type: 'sign' }, 1);
    if (!reached()) step('handler', { type: 'start' }, 3);
    if (!reached()) step('handler', { type: 'report', note: '已到现场处置完毕，恢复正常。' }, 24);
    if (!reached() && random() < 0.1) {
      step('inspector', { type: 'verify_fail', reason: '现场核查未处置到位，需返工。' }, 4);
      step('handler', { type: 'report', note: '返工完成，已重新处置。' }, 12);
    }
    if (!reached()) step('inspector', { type: 'verify_pass', note: '现场核查通过。' }, 4);
    if (!reached()) step('dispatcher', { type: 'close' }, 2);
    if (!reached()) {
      const r = random();
      step('resident', { type: 'rate', rating: r < 0.75 ? 'satisfied' : r < 0.9 ? 'basically' : 'unsatisfied', ...(r >= 0.9 ? { comment: '问题只解决了一部分。' } : {}) }, 8);
      if (state.status === 'under_review' && random() < 0.5) step('dispatcher', { type: 'uphold', note: '经回访核实，已按规定处置，维持结案。' }, 24);
    }
    // A few open orders wait on something outside the department (挂起).
    if (['signed', 'in_progress'].includes(state.status) && random() < 0.06) step('dispatcher', { type: 'suspend', reason: '需等待产权单位确认，暂时挂起。' }, 2);
  }

  const planned = planDeadlines({ slaStartedAt: created, urgency, categoryCode: tpl.category, requestType: tpl.type, pauses: sla.slaPauses, extension: state.extension });
  const final = ['answered', 'rejected', 'closed', 'rated', 'cancelled', 'merged'].includes(state.status);
  if (state.status === 'suspended') sla.slaPauses = [{ from: at.toISOString(), to: null }];
  sla.warnAt = planned?.warnAt ?? null;
  sla.dueAt = planned?.dueAt ?? null;
  if (!final && state.status !== 'suspended' && planned) {
    if (planned.warnAt <= now) {
      sla.warned = true;
      timeline.push({ jurisdictionId, at: planned.warnAt, action: 'sla_warning', from: state.status, to: state.status, actorId: null, actorRole: 'system', note: null, photos: [], data: { dueAt: planned.dueAt.toISOString() } });
    }
    if (planned.dueAt <= now) {
      sla.overdue = true;
      timeline.push({ jurisdictionId, at: planned.dueAt, action: 'overdue', from: state.status, to: state.status, actorId: null, actorRole: 'system', note: null, photos: [], data: { dueAt: planned.dueAt.toISOString() } });
      if (!state.supervised) {
        state = { ...state, supervised: true };
        timeline.push({ jurisdictionId, at: planned.dueAt, action: 'supervise', from: state.status, to: state.status, actorId: null, actorRole: 'system', note: null, photos: [], data: { automatic: 1 } });
      }
    }
  }
  timeline.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { row, state, sla, timeline };
}

async function insertBatch(tx: Db, batch: Planned[]): Promise<string[]> {
  const values = batch.map(({ row: o, state: s, sla: t }) => sql`(
    ${o.jurisdictionId}, ${o.code}, ${o.channel}, ${o.requestType}, ${o.categoryCode}, ${o.title}, ${o.description},
    ST_SetSRID(ST_MakePoint(${o.location!.lng}, ${o.location!.lat}), 4326), ${o.address}, ${o.gridCode}, ${o.districtCode},
    ${o.reporterNameEnc}, ${o.reporterPhoneEnc}, ${o.reporterPhoneLast4}, ${o.reporterPhoneHmac}, ${o.anonymous}, ${o.urgency},
    ${s.status}, ${s.departmentId}, ${s.suspendedFrom}, ${s.supervised}, ${s.extension === null ? null : JSON.stringify(s.extension)}::jsonb,
    ${s.rating}, ${s.reworkCount}, ${s.returnCount}, ${s.reopenCount}, ${o.slaStartedAt}, ${t.warnAt}, ${t.dueAt},
    ${JSON.stringify(t.slaPauses)}::jsonb, ${t.warned}, ${t.overdue}, ${t.signDueAt}, ${t.signOverdue}, ${t.dispatchedAt}, ${t.closedAt},
    ${o.searchText}, ${o.createdAt}, ${o.createdAt})`);
  const { rows } = await sql<{ id: string }>`
    INSERT INTO work_orders (jurisdiction_id, code, channel, request_type, category_code, title, description, location, address,
      grid_code, district_code, reporter_name_enc, reporter_phone_enc, reporter_phone_last4, reporter_phone_hmac, anonymous, urgency,
      status, department_id, suspended_from, supervised, extension, rating, rework_count, return_count, reopen_count,
      sla_started_at, warn_at, due_at, sla_pauses, warned, overdue, sign_due_at, sign_overdue, dispatched_at, closed_at,
      search_text, created_at, updated_at)
    VALUES ${sql.join(values)}
    RETURNING id`.execute(tx);
  return rows.map((r) => r.id);
}

/**
 * Half of the duplicates whose first report is still open are merged into it (as a dispatcher would); the others stay
 * new, for the dispatcher board's duplicate check to find. A duplicate of a finished order was handled on its own.
 */
async function mergeDuplicates(tx: Db, ctx: Ctx, jurisdictionId: string, plans: Planned[], random: () => number, now: Date): Promise<void> {
  const dispatcher = await tx.selectFrom('users').select('id').where('jurisdiction_id', '=', jurisdictionId).where('username', '=', 'dispatcher').executeTakeFirst();
  for (const p of plans) {
    const parent = p.duplicateOf;
    if (!parent || !p.id || !parent.id || random() < 0.5) continue;
    if (['answered', 'rejected', 'closed', 'rated', 'cancelled', 'merged'].includes(parent.state.status)) continue;
    if (!['received', 'accepted'].includes(p.state.status)) continue;
    await tx.updateTable('work_orders').set({ status: 'merged', parent_id: parent.id, version: sql<number>`version + 1`, updated_at: now }).where('id', '=', p.id).execute();
    await tx
      .insertInto('work_order_timeline')
      .values({ jurisdiction_id: jurisdictionId, work_order_id: p.id, at: now, action: 'merge', from_status: p.state.status, to_status: 'merged', actor_id: dispatcher?.id ?? null, actor_role: 'dispatcher', note: '与先前上报的同一问题合并办理。', photos: '[]', data: JSON.stringify({ parentId: parent.id }) })
      .execute();
    await cancelSlaTimers(tx, ctx, p.id);
  }
}
