/**
 * Pure helpers of the performance page (unit-tested in model.test.ts): the period in China time and the ranking's
 * dimension and scheme in the URL, the query the /performance endpoints take, rate and change formatting, grade
 * colours, and the link to the work-order list behind a hotspot.
 */
import type { Query } from '../../shared/api';
import { dayRangeFromParams, dayRangeProblem, pickedDayRange, type DayRangeProblem } from '../../shared/day-range';
import { addDays, jurisdictionDay } from '../../shared/time';

export const DIMENSIONS = ['department', 'district', 'street', 'grid', 'inspector', 'dispatcher', 'agent'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const COUNT_KEYS = [
  'reported',
  'validReported',
  'registered',
  'toDispatch',
  'dispatched',
  'dispatchedAccurately',
  'toHandle',
  'handled',
  'handledOnTime',
  'reworked',
  'overdue',
  'overdueOpen',
  'extended',
  'toClose',
  'closed',
  'closedOnTime',
  'toVerify',
  'verifiedOnTime',
  'toCheck',
  'checkedOnTime',
] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

/** Each rate's numerator and denominator (as the server's formulas.ts): a rate cell opens its numerator's orders. */
export const RATE_DEFS = {
  closeRate: ['closed', 'toClose'],
  closedOnTimeRate: ['closedOnTime', 'toClose'],
  handleRate: ['handled', 'toHandle'],
  handledOnTimeRate: ['handledOnTime', 'toHandle'],
  reworkRate: ['reworked', 'handled'],
  overdueRate: ['overdue', 'toHandle'],
  overdueOpenRate: ['overdueOpen', 'toHandle'],
  extensionRate: ['extended', 'dispatched'],
  validReportRate: ['validReported', 'reported'],
  verifyOnTimeRate: ['verifiedOnTime', 'toVerify'],
  checkOnTimeRate: ['checkedOnTime', 'toCheck'],
  dispatchRate: ['dispatched', 'toDispatch'],
  accurateDispatchRate: ['dispatchedAccurately', 'dispatched'],
} as const satisfies Record<string, readonly [CountKey, CountKey]>;
export type RateKey = keyof typeof RATE_DEFS;
export const RATE_KEYS = Object.keys(RATE_DEFS) as RateKey[];

export interface Label {
  zh: string;
  en: string;
}
export interface Term {
  rate: RateKey;
  weight: number;
  invert: boolean;
  value: number | null;
  points: number | null;
}
export interface Evaluated {
  counts: Record<CountKey, number>;
  rates: Record<RateKey, number | null>;
  score: number | null;
  grade: string | null;
  terms: Term[];
}
export interface RankingRow extends Evaluated {
  key: string;
  label: Label;
  rank: number | null;
}
export interface Scheme {
  key: string;
  version: number;
  nameZh: string;
  nameEn: string;
  isDefault: boolean;
  builtIn: boolean;
}
export interface Ranking {
  period: { from: string; to: string; asOf: string };
  scheme: Scheme;
  dimension: Dimension;
  overall: Evaluated;
  rows: RankingRow[];
}
export interface TrendPoint extends Evaluated {
  from: string;
  to: string;
  label: string;
}
export interface HotspotItem {
  key: string;
  label: Label;
  count: number;
  previous: number;
  change: number;
  changeRate: number | null;
  topCategory: { code: string; label: Label; count: number } | null;
}
export interface Hotspots {
  period: { from: string; to: string };
  previous: { from: string; to: string };
  total: number;
  previousTotal: number;
  top: HotspotItem[];
  points: Array<{ code: string; name: string; lng: number; lat: number; count: number }>;
  categories: Array<{ code: string; label: Label; count: number; previous: number; change: number }>;
}
export interface OrderBehind {
  id: string;
  code: string;
  title: string;
  status: string;
  createdAt: string;
  dueAt: string | null;
}

/** Calendar days (YYYY-MM-DD, China time), both inclusive. */
export interface Period {
  from: string;
  to: string;
}
/** The server refuses longer periods (performance.service.ts MAX_PERIOD_DAYS). */
export const MAX_DAYS = 366;

/** Today in China (shared/time.ts). */
export const chinaToday = (now: Date): string => jurisdictionDay(now);
export { addDays };
/** The last 30 days, today included. */
export function defaultPeriod(now: Date): Period {
  const to = chinaToday(now);
  return { from: addDays(to, -29), to };
}
const PROBLEM_TEXT: Record<DayRangeProblem, string> = {
  invalid: 'performance.period.incomplete',
  reversed: 'performance.period.backwards',
  tooLong: 'performance.period.tooLong',
};
/** Why a period cannot be asked for (an i18n key), or null. */
export function periodProblem(p: Period): string | null {
  const problem = dayRangeProblem(p, MAX_DAYS);
  return problem && PROBLEM_TEXT[problem];
}
/** The period two picked days make, or null while they make none the server takes (the page keeps the one shown). */
export function pickedPeriod(days: Period): Period | null {
  return pickedDayRange(days, MAX_DAYS);
}
/** The period in the URL (?from=&to=, China days); without one (or with one the server would refuse) the last 30 days. */
export function periodFromParams(params: URLSearchParams, now: Date): Period {
  return dayRangeFromParams(params, MAX_DAYS) ?? defaultPeriod(now);
}
/** The URL's parameters with the period set (the others, the ranking's choice, kept). */
export function periodToParams(p: Period, params: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const next = new URLSearchParams(params);
  next.set('from', p.from);
  next.set('to', p.to);
  return next;
}
/** from = the first day's midnight, to = the midnight after the last day (the API's `to` is exclusive). */
export function periodQuery(p: Period): { from: string; to: string } {
  return { from: `${p.from}T00:00:00+08:00`, to: `${addDays(p.to, 1)}T00:00:00+08:00` };
}

export interface PageState {
  period: Period;
  dimension: Dimension;
  scheme: string | null;
}
/** What the page ranks by and scores with, besides the period. */
export type Choice = Omit<PageState, 'period'>;
export const DEFAULT_CHOICE: Choice = { dimension: 'department', scheme: null };

/** A scheme as the page asks for it and keeps it in the URL: its version pinned (a bare key means its latest). */
export const schemeRef = (s: Pick<Scheme, 'key' | 'version'>): string => `${s.key}@${s.version}`;
/** The server's form of key@version (performance.service.ts resolveScheme). */
const SCHEME_REF = /^[a-z0-9][a-z0-9_-]{0,39}@[1-9][0-9]{0,5}$/;

/**
 * The ranking's choice in the URL (?dimension=&scheme=key@version), so that a shared link opens the same view; a
 * dimension the page does not offer, or a scheme not among `schemes`, is ignored (departments, the jurisdiction's
 * default scheme). While the schemes are not known yet (null) a well-formed one is taken, so that the first ranking
 * asks for the linked scheme rather than waiting for the list.
 */
export function choiceFromParams(params: URLSearchParams, schemes: readonly Scheme[] | null): Choice {
  const dimension = DIMENSIONS.find((d) => d === params.get('dimension')) ?? DEFAULT_CHOICE.dimension;
  const scheme = params.get('scheme');
  const known = scheme !== null && SCHEME_REF.test(scheme) && (schemes === null || schemes.some((s) => schemeRef(s) === scheme));
  return { dimension, scheme: known ? scheme : DEFAULT_CHOICE.scheme };
}
/** The URL's parameters with the choice set; a default is left out (a link without it keeps meaning the default). */
export function choiceToParams(c: Choice, params: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const next = new URLSearchParams(params);
  if (c.dimension === DEFAULT_CHOICE.dimension) next.delete('dimension');
  else next.set('dimension', c.dimension);
  if (c.scheme === null) next.delete('scheme');
  else next.set('scheme', c.scheme);
  return next;
}

export function rankingQuery(s: PageState): Query {
  return { ...periodQuery(s.period), dimension: s.dimension, scheme: s.scheme ?? undefined };
}
export function ordersQuery(s: PageState, count: CountKey, row: string | null, within?: CountKey): Query {
  return { ...periodQuery(s.period), scheme: s.scheme ?? undefined, count, within, ...(row === null ? {} : { dimension: s.dimension, key: row }), limit: 500 };
}
export function exportHref(s: PageState): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(rankingQuery(s))) if (v !== undefined && v !== null) q.set(k, String(v));
  return `/api/v1/performance/ranking.xlsx?${q.toString()}`;
}
/** The work-order list (its URL filters) for a grid or district of the hotspot table, same days. */
export function workOrdersHref(level: 'grid' | 'street' | 'district', key: string, p: Period): string {
  const q = new URLSearchParams();
  q.set(level === 'district' ? 'district' : 'grid', key);
  q.set('from', p.from);
  q.set('to', p.to);
  return `/work-orders?${q.toString()}`;
}

/** 0.9372 → "93.72%"; null → "—" (no denominator). */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 10_000) / 100).toFixed(2)}%`;
}
/** +3 / −2 / 0 with a real minus sign. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}
export function labelOf(l: Label, language: string): string {
  return language.startsWith('en') ? l.en : l.zh;
}
/** Grade colours with at least 4.5:1 contrast against white text or as text on the light tag background. */
export function gradeColor(grade: string | null): string {
  switch (grade) {
    case 'A':
      return 'green';
    case 'B':
      return 'blue';
    case 'C':
      return 'gold';
    case 'D':
      return 'orange';
    case null:
      return 'default';
    default:
      return 'red';
  }
}
/** A term's explanation: "处置率 93.72% × 30 = 28.12". */
export function termText(term: Term, rateName: string): string {
  if (term.value === null || term.points === null) return `${rateName} — × ${term.weight}`;
  const v = percent(term.value);
  return term.invert ? `(1 − ${rateName} ${v}) × ${term.weight} = ${term.points.toFixed(2)}` : `${rateName} ${v} × ${term.weight} = ${term.points.toFixed(2)}`;
}
