/**
 * The demo city's work orders: a month of reports walked through the real lifecycle, placed in grids of the central
 * districts, with consistent timelines, unique ticket codes, deadline timers for open orders, and no re-seeding.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_JURISDICTION } from '../src/modules/demo/index.js';
import { DEMO_ORDER_COUNT, ensureDemoWorkOrders, SLA_TIMER } from '../src/modules/work-orders/index.js';
import { useTestDemo } from './app.js';

const demo = useTestDemo();
const J = DEMO_JURISDICTION.id;

describe('demo work orders', () => {
  it('seeds a month of orders in every stage, each in a grid of a central district', async () => {
    const rows = await demo.ctx.db.selectFrom('work_orders').select(['status', 'grid_code', 'district_code', 'channel', 'code', 'category_code']).where('jurisdiction_id', '=', J).execute();
    expect(rows.length).toBeGreaterThanOrEqual(DEMO_ORDER_COUNT);
    const statuses = new Set(rows.map((r) => r.status));
    for (const s of ['received', 'dispatched', 'in_progress', 'closed', 'rated', 'answered']) expect(statuses, s).toContain(s);
    expect(rows.every((r) => r.grid_code !== null && r.grid_code.startsWith(r.district_code!))).toBe(true);
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
    // The city's ticket prefix is set, so live intake numbers the same way (CD…).
    expect(rows.every((r) => /^CD\d{14}$/.test(r.code))).toBe(true);
    const setting = await demo.ctx.db.selectFrom('work_order_settings').select('ticket_prefix').where('jurisdiction_id', '=', J).executeTakeFirst();
    expect(setting?.ticket_prefix).toBe('CD');
    expect(new Set(rows.map((r) => r.channel))).toContain('inspector');
    const categories = await demo.ctx.db.selectFrom('work_order_categories').select('code').where('jurisdiction_id', '=', J).execute();
    const known = new Set(categories.map((c) => c.code));
    expect(rows.filter((r) => !known.has(r.category_code!))).toEqual([]);
  });

  it('keeps every timeline consistent with the order: starts with create, ends in its status', async () => {
    const { rows } = await sql<{ id: string; status: string; first: string; last_to: string }>`
      SELECT w.id, w.status,
             (SELECT action FROM work_order_timeline t WHERE t.work_order_id = w.id ORDER BY at, id LIMIT 1) AS first,
             (SELECT to_status FROM work_order_timeline t WHERE t.work_order_id = w.id ORDER BY at DESC, id DESC LIMIT 1) AS last_to
        FROM work_orders w WHERE w.jurisdiction_id = ${J}`.execute(demo.ctx.db);
    expect(rows.filter((r) => r.first !== 'create')).toEqual([]);
    expect(rows.filter((r) => r.last_to !== r.status)).toEqual([]);
  });

  it('flags open orders past their deadline as overdue and supervised, and arms timers for the open ones', async () => {
    const overdue = await demo.ctx.db.selectFrom('work_orders').select(['overdue', 'supervised', 'due_at']).where('jurisdiction_id', '=', J).where('overdue', '=', true).execute();
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((o) => o.supervised && new Date(o.due_at!).getTime() < Date.now())).toBe(true);
    const open = await demo.ctx.db.selectFrom('work_orders').select('id').where('jurisdiction_id', '=', J).where('status', 'in', ['received', 'accepted', 'dispatched', 'signed', 'in_progress']).where('overdue', '=', false).execute();
    const timers = await demo.ctx.db.selectFrom('jobs').select('dedupe_key').where('handler', '=', SLA_TIMER).where('status', '=', 'pending').execute();
    const armed = new Set(timers.map((x) => x.dedupe_key!.split(':')[0]));
    expect(open.filter((o) => !armed.has(o.id))).toEqual([]);
  });

  it('does not seed twice', async () => {
    expect(await ensureDemoWorkOrders(demo.ctx, J)).toBe(0);
  });
});
