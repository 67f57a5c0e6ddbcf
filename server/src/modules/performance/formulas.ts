/**
 * Standard performance evaluation (综合评价) — the pure core, no I/O. Every count, rate, score and grade the module
 * shows is defined here, once (FORMULAS.md explains the same definitions in words):
 *
 *   one order's facts (from its row and timeline, up to the evaluation instant `asOf`)
 *     → `orderCounts`: which counts the order is in (each count is a yes/no per order, so "the orders behind a
 *       number" are exactly the orders for which that flag is true)
 *     → `sumCounts`: counts of a set of orders
 *     → `rates`: each rate = numerator count / denominator count, null when the denominator is 0
 *     → `scoreOf`: a scheme's weighted sum of rates (or 1 − rate), and its grade.
 */
import { isFinished } from '../work-orders/index.js';

/** The counts, in the order they are shown. Keys are stable (API, XLSX, drill-down). */
export const COUNT_KEYS = [
  'reported', // 上报数
  'validReported', // 有效上报数
  'registered', // 立案数
  'toDispatch', // 应派遣数
  'dispatched', // 派遣数
  'dispatchedAccurately', // 准确派遣数
  'toHandle', // 应处置数
  'handled', // 处置数
  'handledOnTime', // 按期处置数
  'reworked', // 返工数
  'overdue', // 超期数
  'overdueOpen', // 超期待处置数
  'extended', // 延期数
  'toClose', // 应结案数
  'closed', // 结案数
  'closedOnTime', // 按期结案数
  'toVerify', // 应核实数
  'verifiedOnTime', // 按时核实数
  'toCheck', // 应核查数
  'checkedOnTime', // 按时核查数
] as const;
export type CountKey = (typeof COUNT_KEYS)[number];
export type Counts = Record<CountKey, number>;

/** Each rate as numerator / denominator (both counts). */
export const RATE_DEFS = {
  closeRate: ['closed', 'toClose'], // 结案率
  closedOnTimeRate: ['closedOnTime', 'toClose'], // 按期结案率
  handleRate: ['handled', 'toHandle'], // 处置率
  handledOnTimeRate: ['handledOnTime', 'toHandle'], // 按期处置率
  reworkRate: ['reworked', 'handled'], // 返工率
  overdueRate: ['overdue', 'toHandle'], // 超期率
  overdueOpenRate: ['overdueOpen', 'toHandle'], // 超期待处置率
  extensionRate: ['extended', 'dispatched'], // 延期率
  validReportRate: ['validReported', 'reported'], // 有效上报率
  verifyOnTimeRate: ['verifiedOnTime', 'toVerify'], // 按时核实率
  checkOnTimeRate: ['checkedOnTime', 'toCheck'], // 按时核查率
  dispatchRate: ['dispatched', 'toDispatch'], // 派遣率
  accurateDispatchRate: ['dispatchedAccurately', 'dispatched'], // 准确派遣率
} as const satisfies Record<string, readonly [CountKey, CountKey]>;
export type RateKey = keyof typeof RATE_DEFS;
export const RATE_KEYS = Object.keys(RATE_DEFS) as RateKey[];
export type Rates = Record<RateKey, number | null>;

/** Rates are kept to 4 decimals (0.9372 = 93.72 %): what is shown is what the score is computed from. */
export const RATE_DECIMALS = 4;
export function ratio(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  const f = 10 ** RATE_DECIMALS;
  return Math.round((numerator / denominator) * f) / f;
}

export function rates(c: Counts): Rates {
  const out = {} as Rates;
  for (const key of RATE_KEYS) {
    const [n, d] = RATE_DEFS[key];
    out[key] = ratio(c[n], c[d]);
  }
  return out;
}

export function emptyCounts(): Counts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Counts;
}

/** Time limits of the two inspection tasks the platform derives from the timeline (part of a scheme). */
export interface Limits {
  /** 核实: a new report is judged (accepted, answered, rejected, merged or cancelled) within this many hours. */
  verifyHours: number;
  /** 核查: each handling report is checked on site (verify_pass / verify_fail) within this many hours. */
  checkHours: number;
}
export const DEFAULT_LIMITS: Limits = { verifyHours: 1, checkHours: 4 };

/** One order as the evaluation sees it at `asOf` (timeline entries after `asOf` are ignored). */
export interface OrderFacts {
  createdAt: Date;
  /** The order's current deadline (moved by approved extensions and suspensions); null when it has none. */
  dueAt: Date | null;
  /** Status as of asOf: the `to_status` of its last timeline entry up to then. */
  status: string;
  /** First intake decision: accept, answer, reject, merge or cancel. */
  intakeAt: Date | null;
  accepted: boolean;
  answered: boolean;
  dispatched: boolean;
  returned: boolean;
  lastReportAt: Date | null;
  lastVerifyFailAt: Date | null;
  reworks: number;
  extended: boolean;
  /**
   * The last finishing entry (work-orders FINISHING_ACTIONS: `close`, or `answer` at intake — which a registered
   * order never has) up to asOf: when it was 办结, as closed_at is for the work-order figures.
   */
  lastCloseAt: Date | null;
  /** Every handling report with the first verification (pass or fail) after it, if any. */
  checks: Array<{ reportAt: Date; verifiedAt: Date | null }>;
}

const HOUR = 3_600_000;

/** Which counts one order is in. The single definition of every count (see FORMULAS.md). */
export function orderCounts(f: OrderFacts, asOf: Date, limits: Limits): Record<CountKey, boolean> {
  const t = asOf.getTime();
  const due = f.dueAt !== null && f.dueAt.getTime() <= t;
  const merged = f.status === 'merged';
  const cancelled = f.status === 'cancelled';
  const reported = true;
  const validReported = (f.accepted || f.answered) && !merged;
  const registered = f.accepted && !merged;
  const toDispatch = registered;
  const dispatched = registered && f.dispatched;
  const dispatchedAccurately = dispatched && !f.returned;
  // Handled: the department's latest report stands (no verification failure after it sent the order back).
  const handled = dispatched && f.lastReportAt !== null && (f.lastVerifyFailAt === null || f.lastReportAt > f.lastVerifyFailAt);
  const handledOnTime = handled && (f.dueAt === null || f.lastReportAt!.getTime() <= f.dueAt.getTime());
  const toHandle = dispatched && (handled || (due && !cancelled));
  const reworked = handled && f.reworks > 0;
  const overdue = toHandle && !handledOnTime;
  const overdueOpen = toHandle && !handled;
  const extended = dispatched && f.extended;
  // 结案 is the work-order module's 办结 (isFinished: closed, rated or under review after an unsatisfied rating, with
  // a finishing entry), of a registered (立案) order. Two deliberate differences from the work-order statistics' 办结,
  // both from the 数字城管 evaluation standard (结案率 = 结案数 / 应结案数 over 立案 cases — the Tianmen report in
  // vectors/published.json): an order never registered is no case — an enquiry answered at intake (首接办结) or an
  // imported closed record is 办结 there and not 结案 here; and the facts are read from the timeline as of asOf, so
  // a period evaluated again later gives the same figures (closed_at is the order's state now).
  const closed = registered && isFinished(f.status, f.lastCloseAt);
  const closedOnTime = closed && (f.dueAt === null || f.lastCloseAt!.getTime() <= f.dueAt.getTime());
  const toClose = registered && (closed || (due && !cancelled));
  const verifyLimit = limits.verifyHours * HOUR;
  const toVerify = f.intakeAt !== null || f.createdAt.getTime() + verifyLimit <= t;
  const verifiedOnTime = f.intakeAt !== null && f.intakeAt.getTime() - f.createdAt.getTime() <= verifyLimit;
  const checkLimit = limits.checkHours * HOUR;
  const dueChecks = f.checks.filter((c) => c.verifiedAt !== null || c.reportAt.getTime() + checkLimit <= t);
  const toCheck = dueChecks.length > 0;
  const checkedOnTime = toCheck && dueChecks.every((c) => c.verifiedAt !== null && c.verifiedAt.getTime() - c.reportAt.getTime() <= checkLimit);
  return {
    reported,
    validReported,
    registered,
    toDispatch,
    dispatched,
    dispatchedAccurately,
    toHandle,
    handled,
    handledOnTime,
    reworked,
    overdue,
    overdueOpen,
    extended,
    toClose,
    closed,
    closedOnTime,
    toVerify,
    verifiedOnTime,
    toCheck,
    checkedOnTime,
  };
}

export function addCounts(into: Counts, flags: Record<CountKey, boolean>): Counts {
  for (const k of COUNT_KEYS) if (flags[k]) into[k] += 1;
  return into;
}

export function sumCounts(orders: Iterable<OrderFacts>, asOf: Date, limits: Limits): Counts {
  const c = emptyCounts();
  for (const f of orders) addCounts(c, orderCounts(f, asOf, limits));
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Scoring schemes

export interface SchemeTerm {
  rate: RateKey;
  /** Points at a perfect rate. */
  weight: number;
  /** Score 1 − rate (for rates where less is better: rework, overdue, extension). */
  invert: boolean;
}
export interface GradeBand {
  grade: string;
  /** Lowest score of the band; the bands are checked from the highest `min` down, the last has min 0. */
  min: number;
}
export interface SchemeDefinition {
  terms: SchemeTerm[];
  grades: GradeBand[];
  limits: Limits;
}

/** 成都市金牛区 100-point scheme, shipped as the default example. */
export const JINNIU_SCHEME: SchemeDefinition = {
  terms: [
    { rate: 'handleRate', weight: 30, invert: false },
    { rate: 'handledOnTimeRate', weight: 20, invert: false },
    { rate: 'reworkRate', weight: 20, invert: true },
    { rate: 'overdueOpenRate', weight: 20, invert: true },
    { rate: 'extensionRate', weight: 10, invert: true },
  ],
  grades: [
    { grade: 'A', min: 90 },
    { grade: 'B', min: 75 },
    { grade: 'C', min: 60 },
    { grade: 'D', min: 40 },
    { grade: 'E', min: 0 },
  ],
  limits: DEFAULT_LIMITS,
};

/** Why a definition cannot be used, as an error code with parameters; null when it is sound. */
export function schemeProblem(d: SchemeDefinition): { code: string; params?: Record<string, string | number> } | null {
  if (d.terms.length === 0) return { code: 'performance.scheme_no_terms' };
  const seen = new Set<string>();
  for (const term of d.terms) {
    if (!RATE_KEYS.includes(term.rate)) return { code: 'performance.scheme_rate_unknown', params: { rate: term.rate } };
    if (seen.has(term.rate)) return { code: 'performance.scheme_rate_twice', params: { rate: term.rate } };
    seen.add(term.rate);
    if (!(Number.isFinite(term.weight) && term.weight > 0)) return { code: 'performance.scheme_weight_invalid', params: { rate: term.rate } };
  }
  const total = d.terms.reduce((s, x) => s + x.weight, 0);
  if (Math.abs(total - 100) > 1e-9) return { code: 'performance.scheme_weights_sum', params: { total: Math.round(total * 1000) / 1000 } };
  if (d.grades.length === 0 || !d.grades.some((g) => g.min === 0)) return { code: 'performance.scheme_grades_invalid' };
  const mins = d.grades.map((g) => g.min);
  if (new Set(mins).size !== mins.length || mins.some((m) => !(m >= 0 && m <= 100))) return { code: 'performance.scheme_grades_invalid' };
  if (!(d.limits.verifyHours > 0 && d.limits.checkHours > 0)) return { code: 'performance.scheme_limits_invalid' };
  return null;
}

export interface TermScore {
  rate: RateKey;
  weight: number;
  invert: boolean;
  value: number | null;
  /** Points earned: weight × rate (or × (1 − rate)); null when the rate is null (the term is left out). */
  points: number | null;
}
export interface Score {
  /** 0–100, 2 decimals; null when every term's rate is null. */
  score: number | null;
  grade: string | null;
  terms: TermScore[];
  /** Sum of the weights of the terms that had a rate; the score is Σ points × 100 / this (rescaled). */
  weightUsed: number;
}

export function gradeOf(score: number, grades: GradeBand[]): string {
  const sorted = [...grades].sort((a, b) => b.min - a.min);
  return (sorted.find((g) => score >= g.min) ?? sorted.at(-1)!).grade;
}

/**
 * score = Σ weight × (invert ? 1 − rate : rate) over the terms whose rate is not null, rescaled to 100 by the
 * weights used (a term with a 0 denominator — e.g. no handled order to have a rework rate — is left out rather
 * than counted as perfect or as zero); null when no term has a rate.
 */
export function scoreOf(r: Rates, scheme: SchemeDefinition): Score {
  const total = scheme.terms.reduce((s, x) => s + x.weight, 0);
  let points = 0;
  let weightUsed = 0;
  const terms: TermScore[] = scheme.terms.map((term) => {
    const value = r[term.rate];
    if (value === null) return { ...term, value, points: null };
    const p = term.weight * (term.invert ? 1 - value : value);
    points += p;
    weightUsed += term.weight;
    return { ...term, value, points: Math.round(p * 100) / 100 };
  });
  if (weightUsed === 0) return { score: null, grade: null, terms, weightUsed };
  const score = Math.round(((points * total) / weightUsed) * 100) / 100;
  return { score, grade: gradeOf(score, scheme.grades), terms, weightUsed };
}
