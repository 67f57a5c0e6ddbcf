/**
 * The pure core of the performance evaluation: the published Tianmen figures reproduced exactly, each count's
 * definition on hand-built orders, null rates, scheme scoring (Jinniu 100 points) and grades, scheme checks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  COUNT_KEYS,
  DEFAULT_LIMITS,
  JINNIU_SCHEME,
  emptyCounts,
  gradeOf,
  orderCounts,
  rates,
  schemeProblem,
  scoreOf,
  sumCounts,
  type Counts,
  type OrderFacts,
} from '../src/modules/performance/index.js';
import { STATUSES, isFinished } from '../src/modules/work-orders/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILE = process.env.PUBLISHED_VECTORS ?? path.resolve(REPO, '../shared/data/vectors/published.json');

interface Case {
  scope: string;
  应结案数: number;
  结案数: number;
  按期结案数?: number;
  结案率: number;
  按期结案率?: number;
}
const published = (JSON.parse(readFileSync(FILE, 'utf8')) as { case_indicators: { cases: Case[]; tolerance: number; definitions: Record<string, string> } }).case_indicators;

const counts = (partial: Partial<Counts>): Counts => ({ ...emptyCounts(), ...partial });

describe('published case indicators (Tianmen 数字城管)', () => {
  it('has the definitions we implement', () => {
    expect(published.definitions['结案率 closure rate']).toBe('结案数 / 应结案数');
    expect(published.definitions['按期结案率 on-time closure rate']).toBe('按期结案数 / 应结案数');
    expect(published.cases.length).toBeGreaterThanOrEqual(3);
  });
  for (const c of published.cases) {
    it(`reproduces scope "${c.scope}" exactly`, () => {
      const r = rates(counts({ toClose: c.应结案数, closed: c.结案数, closedOnTime: c.按期结案数 ?? 0 }));
      expect(r.closeRate).toBe(c.结案率);
      if (c.按期结案率 !== undefined) expect(r.closedOnTimeRate).toBe(c.按期结案率);
    });
  }
});

const H = 3_600_000;
const T0 = new Date('2026-03-02T01:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * H);
const base: OrderFacts = {
  createdAt: T0,
  dueAt: at(48),
  status: 'received',
  intakeAt: null,
  accepted: false,
  answered: false,
  dispatched: false,
  returned: false,
  lastReportAt: null,
  lastVerifyFailAt: null,
  reworks: 0,
  extended: false,
  lastCloseAt: null,
  checks: [],
};
const yes = (flags: Record<string, boolean>) => Object.keys(flags).filter((k) => flags[k]).sort();

describe('orderCounts: one definition per count', () => {
  it('a report still waiting for intake is only reported (and due for 核实 once its limit passed)', () => {
    expect(yes(orderCounts(base, at(0.5), DEFAULT_LIMITS))).toEqual(['reported']);
    expect(yes(orderCounts(base, at(2), DEFAULT_LIMITS))).toEqual(['reported', 'toVerify']);
  });

  it('a closed order handled and closed in time after one rework', () => {
    const f: OrderFacts = {
      ...base,
      status: 'rated',
      intakeAt: at(0.5),
      accepted: true,
      dispatched: true,
      lastReportAt: at(30),
      lastVerifyFailAt: at(20),
      reworks: 1,
      lastCloseAt: at(40),
      checks: [
        { reportAt: at(10), verifiedAt: at(20) }, // 10 h: late
        { reportAt: at(30), verifiedAt: at(31) },
      ],
    };
    const flags = orderCounts(f, at(100), DEFAULT_LIMITS);
    expect(yes(flags)).toEqual(
      ['reported', 'validReported', 'registered', 'toDispatch', 'dispatched', 'dispatchedAccurately', 'toHandle', 'handled', 'handledOnTime', 'reworked', 'toClose', 'closed', 'closedOnTime', 'toVerify', 'verifiedOnTime', 'toCheck'].sort(),
    );
    expect(flags.checkedOnTime).toBe(false);
    // With an 8-hour 核查 limit the late check is no longer late… but 10 h still is.
    expect(orderCounts(f, at(100), { verifyHours: 1, checkHours: 12 }).checkedOnTime).toBe(true);
  });

  it('sent back for rework and not reported again: not handled, overdue and waiting once due', () => {
    const f: OrderFacts = { ...base, status: 'in_progress', intakeAt: at(0.2), accepted: true, dispatched: true, lastReportAt: at(10), lastVerifyFailAt: at(12), reworks: 1, checks: [{ reportAt: at(10), verifiedAt: at(12) }] };
    const before = orderCounts(f, at(47), DEFAULT_LIMITS);
    expect(before.handled).toBe(false);
    expect(before.toHandle).toBe(false); // not due yet, not handled: not counted against anyone yet
    expect(before.reworked).toBe(false);
    const after = orderCounts(f, at(49), DEFAULT_LIMITS);
    expect([after.toHandle, after.handled, after.overdue, after.overdueOpen, after.toClose, after.closed]).toEqual([true, false, true, true, true, false]);
  });

  it('handled late: overdue but not waiting; returned once: not an accurate dispatch; extension counted', () => {
    const f: OrderFacts = { ...base, status: 'reported', intakeAt: at(3), accepted: true, dispatched: true, returned: true, extended: true, lastReportAt: at(50), checks: [{ reportAt: at(50), verifiedAt: null }] };
    const flags = orderCounts(f, at(60), DEFAULT_LIMITS);
    expect([flags.handled, flags.handledOnTime, flags.overdue, flags.overdueOpen]).toEqual([true, false, true, false]);
    expect([flags.dispatched, flags.dispatchedAccurately, flags.extended]).toEqual([true, false, true]);
    expect([flags.toVerify, flags.verifiedOnTime]).toEqual([true, false]); // judged after 3 h > 1 h
    expect(flags.toCheck).toBe(true); // reported 10 h ago, not checked: due and late
    expect(flags.checkedOnTime).toBe(false);
  });

  it('merged duplicates, rejected reports, answered enquiries and cancelled orders', () => {
    const merged = orderCounts({ ...base, status: 'merged', intakeAt: at(0.3), accepted: true }, at(100), DEFAULT_LIMITS);
    expect(yes(merged)).toEqual(['reported', 'toVerify', 'verifiedOnTime']);
    const rejected = orderCounts({ ...base, status: 'rejected', intakeAt: at(0.3) }, at(100), DEFAULT_LIMITS);
    expect(yes(rejected)).toEqual(['reported', 'toVerify', 'verifiedOnTime']);
    const answered = orderCounts({ ...base, status: 'answered', intakeAt: at(0.1), answered: true }, at(100), DEFAULT_LIMITS);
    expect(yes(answered)).toEqual(['reported', 'toVerify', 'validReported', 'verifiedOnTime'].sort());
    const cancelled = orderCounts({ ...base, status: 'cancelled', intakeAt: at(0.3), accepted: true, dispatched: true }, at(100), DEFAULT_LIMITS);
    expect([cancelled.dispatched, cancelled.toHandle, cancelled.toClose]).toEqual([true, false, false]);
  });

  it("结案 is the work orders' 办结 (isFinished) of a registered order: under review counts, answered enquiries do not", () => {
    for (const status of STATUSES)
      for (const accepted of [false, true])
        for (const close of [null, 40]) {
          const f: OrderFacts = { ...base, status, accepted, intakeAt: at(0.5), lastCloseAt: close === null ? null : at(close) };
          const closed = orderCounts(f, at(80), DEFAULT_LIMITS).closed;
          expect([status, accepted, close, closed]).toEqual([status, accepted, close, accepted && isFinished(status, f.lastCloseAt)]);
        }
    const underReview = orderCounts({ ...base, status: 'under_review', accepted: true, dispatched: true, intakeAt: at(0.5), lastReportAt: at(10), lastCloseAt: at(12) }, at(80), DEFAULT_LIMITS);
    expect([underReview.toClose, underReview.closed, underReview.closedOnTime]).toEqual([true, true, true]);
    // Answered at intake: 办结 in the work-order statistics, but never registered, so no case to close.
    const answered = orderCounts({ ...base, status: 'answered', answered: true, intakeAt: at(0.1), lastCloseAt: at(0.1) }, at(80), DEFAULT_LIMITS);
    expect([isFinished('answered', at(0.1)), answered.toClose, answered.closed]).toEqual([true, false, false]);
  });

  it('an order without a deadline is never due, and handled/closed without one is on time', () => {
    const f: OrderFacts = { ...base, dueAt: null, status: 'closed', intakeAt: at(0.1), accepted: true, dispatched: true, lastReportAt: at(500), lastCloseAt: at(600) };
    const flags = orderCounts(f, at(1000), DEFAULT_LIMITS);
    expect([flags.toHandle, flags.handledOnTime, flags.toClose, flags.closedOnTime]).toEqual([true, true, true, true]);
    const open = orderCounts({ ...f, status: 'in_progress', lastReportAt: null, lastCloseAt: null }, at(1000), DEFAULT_LIMITS);
    expect([open.toHandle, open.toClose, open.overdueOpen]).toEqual([false, false, false]);
  });

  it('every numerator is inside its denominator, for any order', () => {
    // A small exhaustive-ish sweep over fact combinations.
    const statuses = ['received', 'accepted', 'dispatched', 'in_progress', 'reported', 'closed', 'rated', 'under_review', 'cancelled', 'merged', 'answered'];
    let n = 0;
    for (const status of statuses)
      for (const accepted of [false, true])
        for (const dispatched of [false, true])
          for (const report of [null, 10, 60])
            for (const fail of [null, 5, 20])
              for (const close of [null, 40, 70]) {
                const f: OrderFacts = { ...base, status, accepted, dispatched, intakeAt: accepted ? at(0.5) : null, lastReportAt: report === null ? null : at(report), lastVerifyFailAt: fail === null ? null : at(fail), reworks: fail === null ? 0 : 1, lastCloseAt: close === null ? null : at(close) };
                const c = sumCounts([f], at(80), DEFAULT_LIMITS);
                const r = rates(c);
                for (const v of Object.values(r)) if (v !== null) expect(v >= 0 && v <= 1, JSON.stringify({ f, c })).toBe(true);
                n++;
              }
    expect(n).toBeGreaterThan(1000);
  });
});

describe('rates', () => {
  it('are null when the denominator is 0 and rounded to 4 decimals otherwise', () => {
    const r = rates(emptyCounts());
    expect(Object.values(r).every((v) => v === null)).toBe(true);
    expect(rates(counts({ handled: 2, toHandle: 3 })).handleRate).toBe(0.6667);
    expect(COUNT_KEYS).toHaveLength(20);
  });
});

describe('Jinniu 100-point scheme', () => {
  it('is 处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10', () => {
    expect(schemeProblem(JINNIU_SCHEME)).toBeNull();
    // 处置率 0.9, 按期处置率 0.8, 返工率 0.1, 超期待处置率 0.05, 延期率 0.2
    const c = counts({ toHandle: 100, handled: 90, handledOnTime: 80, reworked: 9, overdueOpen: 5, dispatched: 100, extended: 20 });
    const s = scoreOf(rates(c), JINNIU_SCHEME);
    expect(s.score).toBe(27 + 16 + 18 + 19 + 8);
    expect(s.grade).toBe('B');
    expect(s.terms.map((x) => x.points)).toEqual([27, 16, 18, 19, 8]);
    expect(s.weightUsed).toBe(100);
  });

  it('perfect work is 100 (A); nothing due gives no score', () => {
    const s = scoreOf(rates(counts({ toHandle: 5, handled: 5, handledOnTime: 5, dispatched: 5 })), JINNIU_SCHEME);
    expect([s.score, s.grade]).toEqual([100, 'A']);
    const none = scoreOf(rates(emptyCounts()), JINNIU_SCHEME);
    expect([none.score, none.grade]).toEqual([null, null]);
  });

  it('leaves out a term with no rate and rescales over the weights used', () => {
    // Nothing handled (返工率 null), all overdue: 0×30 + 0×20 + (1−1)×20 + (1−0)×10 over 80 points → 12.5.
    const s = scoreOf(rates(counts({ toHandle: 4, overdueOpen: 4, overdue: 4, dispatched: 4 })), JINNIU_SCHEME);
    expect(s.weightUsed).toBe(80);
    expect(s.terms.find((x) => x.rate === 'reworkRate')!.points).toBeNull();
    expect([s.score, s.grade]).toEqual([12.5, 'E']);
  });

  it('grades at the band edges', () => {
    expect([90, 89.99, 75, 74.99, 60, 59.99, 40, 39.99, 0].map((x) => gradeOf(x, JINNIU_SCHEME.grades))).toEqual(['A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E']);
  });

  it('refuses unsound schemes with a stable code', () => {
    expect(schemeProblem({ ...JINNIU_SCHEME, terms: [] })?.code).toBe('performance.scheme_no_terms');
    expect(schemeProblem({ ...JINNIU_SCHEME, terms: JINNIU_SCHEME.terms.slice(1) })).toEqual({ code: 'performance.scheme_weights_sum', params: { total: 70 } });
    expect(schemeProblem({ ...JINNIU_SCHEME, terms: [...JINNIU_SCHEME.terms.slice(1), { rate: 'reworkRate', weight: 30, invert: true }] })?.code).toBe('performance.scheme_rate_twice');
    expect(schemeProblem({ ...JINNIU_SCHEME, grades: [{ grade: 'A', min: 90 }] })?.code).toBe('performance.scheme_grades_invalid');
    expect(schemeProblem({ ...JINNIU_SCHEME, limits: { verifyHours: 0, checkHours: 4 } })?.code).toBe('performance.scheme_limits_invalid');
  });
});
