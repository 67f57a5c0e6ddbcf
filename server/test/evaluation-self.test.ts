/**
 * The monthly self-evaluation on the demo city's orders: the platform-self system (metric leaves) is created and
 * published, districts and departments are scored for a month from performance's rates and the statistics'
 * 满意率 (in percent, under each leaf's code), the next month names the previous run, a re-run adds nothing, and the
 * timer fires on the 1st at 02:00 China time, runs through the job worker and schedules the next month.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DEMO_JURISDICTION } from '../src/modules/demo/index.js';
import {
  monthBounds,
  nextSelfEvaluationAt,
  previousMonth,
  scheduleSelfEvaluations,
  SELF_EVALUATION_TIMER,
  SELF_SYSTEM_CODE,
  selfEvaluate,
} from '../src/modules/evaluation/index.js';
import { JobWorker } from '../src/modules/events/index.js';
import type { Principal } from '../src/modules/identity/index.js';
import { ranking } from '../src/modules/performance/index.js';
import { workOrderStats } from '../src/modules/work-orders/index.js';
import { useTestDemo } from './app.js';

const demo = useTestDemo();
const J = DEMO_JURISDICTION.id;
const now = new Date();
const thisMonth = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
const lastMonth = previousMonth(thisMonth);

const reader: Principal = { kind: 'api_key', keyId: 'test', name: 'test', prefix: '', jurisdictionId: J, scopes: ['performance.read', 'work_order.stats'] };

describe('self-evaluation', () => {
  it('month bounds are China-time months', () => {
    expect(monthBounds('2026-03')).toEqual({ from: new Date('2026-02-28T16:00:00Z'), to: new Date('2026-03-31T16:00:00Z') });
    expect(previousMonth('2026-01')).toBe('2025-12');
    // 1 June 02:00 in China for a moment in May (China time), also late on 31 May UTC = 1 June in China.
    expect(nextSelfEvaluationAt(new Date('2026-05-10T00:00:00Z')).toISOString()).toBe('2026-05-31T18:00:00.000Z');
    expect(nextSelfEvaluationAt(new Date('2026-05-31T17:00:00Z')).toISOString()).toBe('2026-06-30T18:00:00.000Z');
    expect(() => monthBounds('2026-13')).toThrow(/month_invalid|evaluation/);
  });

  it('scores districts and departments for last month from the platform metrics', async () => {
    const results = await selfEvaluate(demo.ctx, J, lastMonth, now);
    expect(results.map((r) => r.kind)).toEqual(['district', 'department']);
    expect(results.every((r) => r.created && r.runId && r.entities > 0)).toBe(true);

    const system = await demo.ctx.db.selectFrom('evaluation_systems').selectAll().where('jurisdiction_id', '=', J).where('code', '=', SELF_SYSTEM_CODE).executeTakeFirstOrThrow();
    const versions = await demo.ctx.db.selectFrom('evaluation_system_versions').select(['status', 'id']).where('system_id', '=', system.id).execute();
    expect(versions).toMatchObject([{ status: 'published' }]);

    // The district data set holds performance's rates and the statistics' satisfaction, in percent.
    const { from, to } = monthBounds(lastMonth);
    const perf = await ranking(demo.ctx, reader, { from, to, dimension: 'district', filters: {} }, now);
    const stats = await workOrderStats(demo.ctx.db, reader, { from, to, groupBy: ['district'] });
    const ds = await demo.ctx.db.selectFrom('evaluation_datasets').selectAll().where('jurisdiction_id', '=', J).where('source', '=', 'platform').where('entity_kind', '=', 'district').where('period', '=', lastMonth).executeTakeFirstOrThrow();
    const rows = await demo.ctx.db.selectFrom('evaluation_dataset_rows').selectAll().where('dataset_id', '=', ds.id).execute();
    expect(rows.length).toBe(results[0]!.entities);
    const pct = (x: number | null | undefined) => (typeof x === 'number' ? Math.round(x * 10_000) / 100 : undefined);
    let compared = 0;
    for (const row of rows) {
      const p = perf.rows.find((r) => r.key === row.entity_code)!;
      expect(row.name).toBe(p.label.zh);
      expect(row.class).toBe('区县');
      expect(row.values.Q1).toBe(pct(p.rates.closeRate));
      expect(row.values.Q2).toBe(pct(p.rates.closedOnTimeRate));
      expect(row.values.Q4).toBe(pct(p.rates.reworkRate));
      expect(row.values.S1).toBe(pct(stats.groups.district!.find((g) => g.key === row.entity_code)?.satisfactionRate));
      if (row.values.Q1 !== undefined) compared++;
    }
    expect(compared).toBeGreaterThan(0);

    // The run scored them; a district with a 100 % closure rate has the full Q1 score (target normalisation).
    const run = await demo.ctx.db.selectFrom('evaluation_runs').selectAll().where('id', '=', results[0]!.runId!).executeTakeFirstOrThrow();
    expect(run.previous_run_id).toBeNull();
    const scored = await demo.ctx.db.selectFrom('evaluation_results').selectAll().where('run_id', '=', run.id).execute();
    expect(scored).toHaveLength(rows.length);
    for (const r of scored) {
      const v = rows.find((x) => x.entity_code === r.entity_code)!.values.Q1;
      if (v !== undefined) expect(r.node_scores.Q1).toBeCloseTo(Math.min(100, Math.max(0, ((v - 50) / 50) * 100)), 3);
    }
  });

  it('this month names last month\'s run; a re-run adds nothing', async () => {
    const before = await demo.ctx.db.selectFrom('evaluation_runs').select('id').where('jurisdiction_id', '=', J).execute();
    const again = await selfEvaluate(demo.ctx, J, lastMonth, now);
    expect(again.every((r) => !r.created)).toBe(true);
    expect(await demo.ctx.db.selectFrom('evaluation_runs').select('id').where('jurisdiction_id', '=', J).execute()).toHaveLength(before.length);

    const last = await selfEvaluate(demo.ctx, J, lastMonth, now);
    const current = await selfEvaluate(demo.ctx, J, thisMonth, now);
    for (const kind of [0, 1]) {
      const run = await demo.ctx.db.selectFrom('evaluation_runs').select('previous_run_id').where('id', '=', current[kind]!.runId!).executeTakeFirstOrThrow();
      expect(run.previous_run_id).toBe(last[kind]!.runId);
    }
    // A month that has not started yet has nothing to score and creates nothing.
    const future = await selfEvaluate(demo.ctx, J, previousMonth(new Date(now.getTime() + 70 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 7)), now);
    expect(future.every((r) => r.runId === null && r.entities === 0)).toBe(true);
  });

  it('the monthly timer runs through the worker and schedules the next month', async () => {
    expect(await scheduleSelfEvaluations(demo.ctx, now)).toBeGreaterThanOrEqual(1);
    const timer = await demo.ctx.db.selectFrom('jobs').selectAll().where('handler', '=', SELF_EVALUATION_TIMER).where('jurisdiction_id', '=', J).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(new Date(timer.run_at).toISOString()).toBe(nextSelfEvaluationAt(now).toISOString());
    expect(timer.payload).toEqual({ jurisdictionId: J, month: thisMonth });
    // Restarting schedules the same slot, not a second timer.
    await scheduleSelfEvaluations(demo.ctx, now);
    expect(await demo.ctx.db.selectFrom('jobs').select('id').where('handler', '=', SELF_EVALUATION_TIMER).where('jurisdiction_id', '=', J).where('status', '=', 'pending').execute()).toHaveLength(1);

    // A due timer for this month (as if it were the 1st of next month), with this month's data sets gone: the
    // worker runs it, the runs come back, and the next month is scheduled.
    const mine = await demo.ctx.db.selectFrom('evaluation_datasets').select('id').where('jurisdiction_id', '=', J).where('period', '=', thisMonth).execute();
    await demo.ctx.db.deleteFrom('evaluation_runs').where('dataset_id', 'in', mine.map((d) => d.id)).execute();
    await demo.ctx.db.deleteFrom('evaluation_datasets').where('id', 'in', mine.map((d) => d.id)).execute();
    const id = await demo.ctx.db.transaction().execute((tx) =>
      demo.ctx.outbox.schedule(tx, { handler: SELF_EVALUATION_TIMER, key: 'test-due', runAt: new Date(Date.now() - 1000), jurisdictionId: J, payload: { jurisdictionId: J, month: thisMonth } }),
    );
    const worker = new JobWorker({ db: demo.ctx.db, handlers: demo.ctx.handlers, log: pino({ level: 'silent' }), outbox: demo.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
    await worker.drain(120_000);
    expect(await demo.ctx.db.selectFrom('jobs').select(['status', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow()).toMatchObject({ status: 'done', last_error: null });
    const rerun = await demo.ctx.db.selectFrom('evaluation_datasets').select('id').where('jurisdiction_id', '=', J).where('period', '=', thisMonth).execute();
    expect(rerun).toHaveLength(2);
    expect(await demo.ctx.db.selectFrom('evaluation_runs').select('id').where('dataset_id', 'in', rerun.map((d) => d.id)).execute()).toHaveLength(2);
    const pending = await demo.ctx.db.selectFrom('jobs').selectAll().where('handler', '=', SELF_EVALUATION_TIMER).where('jurisdiction_id', '=', J).where('status', '=', 'pending').execute();
    expect(pending).toHaveLength(1);
    expect(new Date(pending[0]!.run_at).toISOString()).toBe(nextSelfEvaluationAt(new Date()).toISOString());
  });
});
