/**
 * Category classifier on a real database: training from the demo data and from a jurisdiction's own closed orders,
 * activation only when not worse, audit + event, the cached suggestion reloading a newer version, the classify route
 * (roles, limits), `civicgrid classifier retrain`, and the weekly retrain timer (runs, reschedules itself, no
 * duplicates when scheduled again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/modules/events/index.js';
import {
  Classifier,
  ModelCache,
  RETRAIN_TIMER,
  classifierCacheFor,
  ensureDemoClassifier,
  nextRetrainAt,
  scheduleRetrain,
  scheduleRetrains,
  suggestCategory,
  trainFromOrders,
} from '../src/modules/work-orders/index.js';
import { runCommand } from '../src/ops/command.js';
import { COMMANDS } from '../src/ops/commands.js';
import { AppError } from '../src/shared/errors.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser } from './factories.js';

let t: TestApp;
let demoJ: string;
let ownJ: string;
let emptyJ: string;
let seq = 0;

/** Closed orders inserted directly (the classifier reads only title, description, category and status). */
async function addOrders(jurisdictionId: string, orders: { title: string; description: string; category: string; status?: string }[]) {
  await t.ctx.db
    .insertInto('work_orders')
    .values(
      orders.map((o) => ({
        jurisdiction_id: jurisdictionId,
        code: `CL${String(20260101000000 + ++seq)}`,
        channel: 'inspector' as const,
        request_type: 'report' as const,
        category_code: o.category,
        title: o.title,
        description: o.description,
        urgency: 'normal' as const,
        status: (o.status ?? 'closed') as 'closed',
        sla_started_at: new Date(),
      })),
    )
    .execute();
}

const WATER = ['停水', '自来水', '水压低', '水管爆裂', '水表', '水质发黄'];
const HEAT = ['暖气不热', '供暖', '暖气片', '采暖费', '供热管道', '室温低'];
const PLACES = ['东城小区', '西街', '南门', '北苑', '人民路', '滨江花园', '新华街', '学府路'];

function ownOrders(n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const water = i % 2 === 0;
    const words = water ? WATER : HEAT;
    const place = PLACES[i % PLACES.length]!;
    out.push({
      title: `${place}${words[i % words.length]}`,
      description: `${place}${words[(i + 1) % words.length]}，${words[(i + 3) % words.length]}，请尽快处理`,
      category: water ? 'utilities.water' : 'utilities.heating',
    });
  }
  return out;
}

/** Direct reads of the models table (the test looks at what was stored). */
const tables = {
  models: (j: string) =>
    t.ctx.db.selectFrom('work_order_classifier_models').select(['version', 'labels', 'active', 'metrics']).where('jurisdiction_id', '=', j).orderBy('version', 'desc').execute(),
  activeVersion: async (j: string) =>
    (await t.ctx.db.selectFrom('work_order_classifier_models').select('version').where('jurisdiction_id', '=', j).where('active', '=', true).executeTakeFirst())?.version ?? 0,
  trainingOrders: (j: string) =>
    t.ctx.db.selectFrom('work_orders').select(['title', 'description', 'category_code']).where('jurisdiction_id', '=', j).where('status', 'in', ['closed', 'rated']).where('category_code', 'is not', null).execute(),
};

const jobsOf = (jurisdictionId: string) =>
  t.ctx.db.selectFrom('jobs').select(['id', 'dedupe_key', 'run_at', 'status']).where('handler', '=', RETRAIN_TIMER).where('jurisdiction_id', '=', jurisdictionId).orderBy('id').execute();

beforeAll(async () => {
  t = await createTestApp();
  demoJ = (await makeJurisdiction(t.ctx.db)).id;
  ownJ = (await makeJurisdiction(t.ctx.db)).id;
  emptyJ = (await makeJurisdiction(t.ctx.db)).id;
});
afterAll(async () => {
  await t?.close();
});

describe('training', () => {
  it('a jurisdiction without orders gets the demo model: held-out metrics beat the majority baseline, audited, published, weekly retrain scheduled', async () => {
    const r = await trainFromOrders(t.ctx, demoJ);
    expect(r).toMatchObject({ version: 1, activated: true, previousVersion: null });
    const m = r.metrics;
    expect(m.ownOrders).toBe(0);
    expect(m.demoExamples).toBe(825);
    expect(m.heldOut + m.trainSize).toBe(825);
    expect(m.heldOut).toBeGreaterThan(150);
    // A real classifier, not a constant: well above always answering the largest category.
    expect(m.accuracy).toBeGreaterThan(m.majorityBaseline + 0.2);
    expect(m.top3Accuracy).toBeGreaterThanOrEqual(m.accuracy);
    expect(Object.values(m.perClass).reduce((a, c) => a + c.support, 0)).toBe(m.heldOut);

    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('jurisdiction_id', '=', demoJ).where('action', '=', 'work_order.classifier_train').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ version: 1, activated: true });
    const events = await t.ctx.db.selectFrom('events').select('payload').where('name', '=', 'work_order.classifier_trained').where('jurisdiction_id', '=', demoJ).execute();
    expect(events).toHaveLength(1);
    const jobs = await jobsOf(demoJ);
    expect(jobs).toHaveLength(1);
    expect(new Date(jobs[0]!.run_at).getTime()).toBe(nextRetrainAt(new Date()).getTime());
  });

  it('suggests 部件/事件 and 12345 categories from the demo model, with alternatives and probabilities', async () => {
    const s = await suggestCategory(t.ctx, demoJ, '路灯不亮。幸福路上的路灯连续三个晚上都不亮了');
    expect(s).not.toBeNull();
    expect(s!.categoryCode).toBe('component.01.0118');
    expect(s!.modelVersion).toBe(1);
    expect(s!.alternatives).toHaveLength(2);
    expect(s!.confidence).toBeGreaterThan(s!.alternatives[0]!.probability);
    expect(s!.confidence + s!.alternatives.reduce((a, x) => a + x.probability, 0)).toBeLessThanOrEqual(1.0001);
    expect((await suggestCategory(t.ctx, demoJ, '工地晚上施工噪音太大，严重扰民'))!.categoryCode).toBe('event.03.01');
    expect(await suggestCategory(t.ctx, emptyJ, '路灯不亮')).toBeNull();
    await expect(suggestCategory(t.ctx, demoJ, 'x'.repeat(4001))).rejects.toMatchObject({ code: 'classifier.text_too_long' });
  });

  it("with enough closed orders of its own a jurisdiction trains on them alone; open orders and orders without a category are not read", async () => {
    await addOrders(ownJ, ownOrders(240));
    await addOrders(ownJ, [
      { title: '停水', description: '停水', category: 'transport', status: 'received' },
      { title: '暖气', description: '暖气', category: 'transport', status: 'dispatched' },
    ]);
    await t.ctx.db.insertInto('work_orders').values({ jurisdiction_id: ownJ, code: 'CL99990101000001', channel: 'inspector', request_type: 'report', category_code: null, title: '无分类', description: '', urgency: 'normal', status: 'rated', sla_started_at: new Date() }).execute();
    const r = await trainFromOrders(t.ctx, ownJ);
    expect(r.metrics.ownOrders).toBe(240);
    expect(r.metrics.demoExamples).toBe(0);
    expect(r.activated).toBe(true);
    const models = await tables.models(ownJ);
    expect(models[0]!.labels).toEqual(['utilities.heating', 'utilities.water']);
    expect(r.metrics.accuracy).toBe(1);
    expect((await suggestCategory(t.ctx, ownJ, '家里暖气不热'))!.categoryCode).toBe('utilities.heating');
  });

  it('a new model is activated only when it is not worse than the active one on the same held-out texts', async () => {
    // Noisy labels (every fifth flipped), and a unique reference word in each text. The active model was trained on
    // every text, held-out ones included, keeping words seen once: it memorised them. The retrain cannot beat it.
    const j = (await makeJurisdiction(t.ctx.db)).id;
    await addOrders(
      j,
      ownOrders(240).map((o, i) => ({
        ...o,
        description: `${o.description} ref${i}q`,
        category: i % 5 === 0 ? (o.category === 'utilities.water' ? 'utilities.heating' : 'utilities.water') : o.category,
      })),
    );
    const all = (await tables.trainingOrders(j)).map((o) => ({ text: `${o.title}。${o.description}`, label: o.category_code! }));
    const cheat = Classifier.train(all, { minDf: 1, epochs: 60 });
    await t.ctx.db
      .insertInto('work_order_classifier_models')
      .values({ jurisdiction_id: j, version: 1, kind: 'softmax', labels: JSON.stringify(cheat.labels), model: JSON.stringify(cheat), metrics: '{}', active: true, activated_at: new Date() })
      .execute();

    const r = await trainFromOrders(t.ctx, j);
    expect(r.metrics.previousAccuracy).not.toBeNull();
    expect(r.metrics.previousAccuracy!).toBeGreaterThan(r.metrics.accuracy);
    expect(r).toMatchObject({ version: 2, activated: false, previousVersion: 1 });
    expect(await tables.activeVersion(j)).toBe(1);
    const stored = (await tables.models(j)).find((m) => m.version === 2)!;
    expect(stored.active).toBe(false);
    expect(stored.metrics).toMatchObject({ accuracy: r.metrics.accuracy, previousAccuracy: r.metrics.previousAccuracy });
  });

  it('a jurisdiction that does not exist is refused', async () => {
    const err = await trainFromOrders(t.ctx, 'nowhere.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ kind: 'not_found', code: 'classifier.jurisdiction_not_found' });
  });

  it('the demo seed installs a model only when none is active', async () => {
    const j = (await makeJurisdiction(t.ctx.db)).id;
    expect(await ensureDemoClassifier(t.ctx, j)).toBe(1);
    expect(await ensureDemoClassifier(t.ctx, j)).toBeNull();
    expect((await tables.models(j)).length).toBe(1);
  });
});

describe('model cache', () => {
  it('another process notices a newly activated version within its check interval', async () => {
    let now = 1_000_000;
    const other = new ModelCache(t.ctx.db, 5000, () => now);
    const before = (await other.model(demoJ))!.version;
    const r = await trainFromOrders(t.ctx, demoJ); // same data, same seed: equal accuracy is not worse → activated
    expect(r.metrics.accuracy).toBe(r.metrics.previousAccuracy);
    expect(await tables.activeVersion(demoJ)).toBe(before + 1);
    now += 1000;
    expect((await other.model(demoJ))!.version).toBe(before); // still within the interval
    now += 5000;
    expect((await other.model(demoJ))!.version).toBe(before + 1);
    // This process invalidated its own cache when it activated the model.
    expect((await suggestCategory(t.ctx, demoJ, '井盖丢失'))!.modelVersion).toBe(before + 1);
    expect(classifierCacheFor(t.ctx.db).loadedVersion(demoJ)).toBe(before + 1);
  });
});

describe('POST /api/v1/work-orders/classify', () => {
  let agent: Record<string, string>;
  let handler: Record<string, string>;
  let emptyAgent: Record<string, string>;
  beforeAll(async () => {
    agent = (await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: demoJ, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] }))).bearer;
    handler = (await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: demoJ, grants: [{ role: 'handler', scope: { kind: 'jurisdiction' } }] }))).bearer;
    emptyAgent = (await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: emptyJ, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] }))).bearer;
  });
  const classify = (headers: Record<string, string>, payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/work-orders/classify', headers, payload: payload as object });

  it('gives staff the suggestion of their jurisdiction', async () => {
    const res = await classify(agent, { text: '小区门口的井盖丢了，晚上有人掉进去' });
    expect(res.statusCode).toBe(200);
    expect(res.json().suggestion).toMatchObject({ categoryCode: 'component.01.0102' });
    const none = await classify(emptyAgent, { text: '路灯不亮' });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ suggestion: null });
  });

  it('refuses roles that do not enter orders, anonymous callers, and texts over 4,000 characters or empty', async () => {
    expect((await classify(handler, { text: '路灯不亮' })).statusCode).toBe(403);
    expect((await classify({}, { text: '路灯不亮' })).statusCode).toBe(401);
    const long = await classify(agent, { text: '路'.repeat(4001) });
    expect(long.statusCode).toBe(400);
    expect((await classify(agent, { text: '路'.repeat(4000) })).statusCode).toBe(200);
    expect((await classify(agent, { text: '' })).statusCode).toBe(400);
    expect((await classify(agent, { text: '   ' })).json()).toMatchObject({ code: 'classifier.text_empty' });
  });
});

describe('civicgrid classifier retrain', () => {
  it('prints the metrics JSON of the new model', async () => {
    const res = await runCommand(t.ctx, COMMANDS, 'classifier retrain', { jurisdiction: emptyJ }, { locale: 'en' });
    expect(res.exitCode).toBe(0);
    const out = JSON.parse(res.stdout) as { jurisdictionId: string; version: number; activated: boolean; metrics: { accuracy: number; demoExamples: number } };
    expect(out).toMatchObject({ jurisdictionId: emptyJ, version: 1, activated: true });
    expect(out.metrics.demoExamples).toBe(825);
    expect(res.stderr).toContain('held-out accuracy');
  });

  it('an unknown jurisdiction fails with a message', async () => {
    const res = await runCommand(t.ctx, COMMANDS, 'classifier retrain', { jurisdiction: 'nowhere.example' }, { locale: 'en' });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('No such jurisdiction: nowhere.example');
  });
});

describe('weekly retrain timer', () => {
  it('the slot is the next Monday 03:00 in Shanghai', () => {
    expect(nextRetrainAt(new Date('2026-03-04T10:00:00Z')).toISOString()).toBe('2026-03-08T19:00:00.000Z'); // Wed → Mon 03:00 +08
    expect(nextRetrainAt(new Date('2026-03-08T19:00:00Z')).toISOString()).toBe('2026-03-15T19:00:00.000Z'); // at the slot → next week
    expect(nextRetrainAt(new Date('2026-03-08T18:59:59Z')).toISOString()).toBe('2026-03-08T19:00:00.000Z');
  });

  it('scheduling again (a restart) does not add a second timer', async () => {
    await scheduleRetrains(t.ctx);
    await scheduleRetrains(t.ctx);
    const pending = (await jobsOf(demoJ)).filter((j) => j.status === 'pending');
    expect(pending).toHaveLength(1);
  });

  it('a due timer retrains and schedules the following week', async () => {
    const before = (await tables.models(emptyJ))[0]!.version;
    await t.ctx.db.transaction().execute((tx) => scheduleRetrain(t.ctx, tx, emptyJ, new Date(Date.now() - 8 * 86_400_000)));
    const worker = createWorker(t.ctx);
    const drained = await worker.drain(60_000);
    expect(drained.complete).toBe(true);
    expect((await tables.models(emptyJ))[0]!.version).toBe(before + 1);
    const jobs = await jobsOf(emptyJ);
    expect(jobs.filter((j) => j.status === 'done')).toHaveLength(1);
    const pending = jobs.filter((j) => j.status === 'pending');
    expect(pending).toHaveLength(1);
    expect(new Date(pending[0]!.run_at).getTime()).toBe(nextRetrainAt(new Date()).getTime());
    await worker.stop();
  });
});
