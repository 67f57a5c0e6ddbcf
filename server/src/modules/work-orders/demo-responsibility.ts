/**
 * The demo city's work-order setup: the standard category tree and a responsibility list (清单化定责) for
 * chengdu.gov.cn. Departments are named by their demo codes (demo/chengdu.ts). Both steps run on every start and do
 * nothing once done: categories missing from the standard tree are added (none after the first start), and the
 * rules are written only while the jurisdiction has none — rules an administrator deleted do not come back.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../app-context.js';
import type { Actor } from '../../shared/actor.js';
import { seedStandardCategories } from './categories.service.js';
import * as repo from './responsibility.repo.js';
import { createRuleWithin, type RuleInput } from './responsibility.service.js';

type DemoRule = Omit<RuleInput, 'departmentId' | 'departmentCode'> & { department: string };

/** Jinjiang (锦江区, 510104) has its own urban management bureau for street-level matters. */
const JINJIANG = '510104';

export const DEMO_RULES: DemoRule[] = [
  // 部件: the urban management bureau by default; owners of particular facilities by category or by component class
  // (a class rule names the category too: with as many conditions, a category outranks a component class).
  { categoryPrefix: 'component', department: 'cd-cgj', note: '部件问题默认由市城市管理局处置' },
  { categoryPrefix: 'component', componentClassPrefix: '0101', department: 'cd-swj-water', note: '上水井盖' },
  { categoryPrefix: 'component', componentClassPrefix: '0127', department: 'cd-swj-water', note: '中水井盖' },
  { categoryPrefix: 'component.01.0102', department: 'cd-swj', note: '污水井盖' },
  { categoryPrefix: 'component.01.0103', department: 'cd-swj', note: '雨水井盖' },
  { categoryPrefix: 'component.01.0104', department: 'cd-swj', note: '雨水箅子' },
  { categoryPrefix: 'component', componentClassPrefix: '0105', department: 'cd-power', note: '电力井盖' },
  { categoryPrefix: 'component', componentClassPrefix: '0116', department: 'cd-power', note: '电力设施' },
  { categoryPrefix: 'component', componentClassPrefix: '0111', department: 'cd-gas', note: '燃气井盖' },
  { categoryPrefix: 'component.02', department: 'cd-jtj', note: '道路交通设施' },
  { categoryPrefix: 'component.03', department: 'cd-cgj-hwc', note: '环卫设施' },
  { categoryPrefix: 'component.04', department: 'cd-gyj', note: '园林绿化' },
  { categoryPrefix: 'component.05', department: 'cd-zjj', note: '房屋土地' },
  { categoryPrefix: 'component.06.0602', department: 'cd-zjj', note: '工地' },
  { categoryPrefix: 'component.06.0603', department: 'cd-swj', note: '水域附属设施' },
  { categoryPrefix: 'component.06.0604', department: 'cd-swj', note: '水域护栏' },
  { categoryPrefix: 'component.03', districtCode: JINJIANG, department: 'cd-510104-cgj', note: '锦江区环卫设施由区城管局处置' },
  // 事件
  { categoryPrefix: 'event', department: 'cd-cgj', note: '事件问题默认由市城市管理局处置' },
  { categoryPrefix: 'event.01', department: 'cd-cgj-hwc', note: '市容环境' },
  { categoryPrefix: 'event.01.04', department: 'cd-cgj-zfzd', note: '新增违法建筑' },
  { categoryPrefix: 'event.02', department: 'cd-cgj-zfzd', note: '宣传广告' },
  { categoryPrefix: 'event.03', department: 'cd-zjj', note: '施工管理' },
  { categoryPrefix: 'event.04.01', department: 'cd-jtj', note: '路面塌陷' },
  { categoryPrefix: 'event.04.02', department: 'cd-swj-water', note: '自来水管破裂' },
  { categoryPrefix: 'event.04.03', department: 'cd-gas', note: '燃气管道破裂' },
  { categoryPrefix: 'event.04.04', department: 'cd-swj', note: '下水道堵塞' },
  { categoryPrefix: 'event.05', department: 'cd-cgj-zfzd', note: '街面秩序' },
  { categoryPrefix: 'event.01', districtCode: JINJIANG, department: 'cd-510104-cgj', note: '锦江区市容环境由区城管局处置' },
  { categoryPrefix: 'event.02', districtCode: JINJIANG, department: 'cd-510104-cgj', note: '锦江区宣传广告由区城管局处置' },
  { categoryPrefix: 'event.05', districtCode: JINJIANG, department: 'cd-510104-cgj', note: '锦江区街面秩序由区城管局处置' },
  // 12345 hotline categories
  { categoryPrefix: 'utilities.water', department: 'cd-swj-water' },
  { categoryPrefix: 'utilities.power', department: 'cd-power' },
  { categoryPrefix: 'utilities.gas', department: 'cd-gas' },
  { categoryPrefix: 'utilities.heating', department: 'cd-zjj', note: '成都无集中供暖，供暖诉求由住建局协调' },
  { categoryPrefix: 'construction', department: 'cd-zjj' },
  { categoryPrefix: 'housing', department: 'cd-zjj' },
  { categoryPrefix: 'transport', department: 'cd-jtj' },
  { categoryPrefix: 'environment', department: 'cd-sthjj' },
  { categoryPrefix: 'market', department: 'cd-scjgj' },
  { categoryPrefix: 'labour', department: 'cd-rsj' },
  { categoryPrefix: 'education', department: 'cd-jyj' },
  { categoryPrefix: 'health', department: 'cd-wjw' },
  { categoryPrefix: 'security', department: 'cd-gaj' },
  { categoryPrefix: 'agriculture', department: 'cd-nyj' },
  { categoryPrefix: 'civil', department: 'cd-mzj' },
  { categoryPrefix: 'government', department: 'cd-wlzb' },
  // Nothing else matched: the 12345 centre redispatches by hand.
  { fallback: true, department: 'cd-12345', note: '无匹配规则：由12345热线中心人工派遣' },
];

const SEED_LOCK = 7243043;

/**
 * Seeds the demo's categories and responsibility list (each in its own transaction; both idempotent). Rules whose
 * department the database lacks (a demo seeded by an older version) are left out.
 */
export async function seedDemoWorkOrderSetup(ctx: Pick<AppContext, 'db' | 'outbox'>, jurisdictionId: string, actor: Actor): Promise<{ categories: number; rules: number }> {
  const categories = await ctx.db.transaction().execute((tx) => seedStandardCategories(tx, ctx, jurisdictionId, actor));
  const rules = await ctx.db.transaction().execute(async (tx) => {
    // Two starts at the same moment: the second waits here, then finds the rules.
    await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK}, hashtext(${jurisdictionId}))`.execute(tx);
    if ((await repo.countRules(tx, jurisdictionId)) > 0) return 0;
    let added = 0;
    for (const { department, ...rule } of DEMO_RULES) {
      const dept = await repo.findDepartment(tx, jurisdictionId, { code: department });
      if (!dept?.active) continue;
      await createRuleWithin(tx, ctx, jurisdictionId, { ...rule, departmentId: dept.id }, actor);
      added++;
    }
    return added;
  });
  return { categories, rules };
}
