/**
 * Pure helpers of the overview page (unit-tested in model.test.ts): the work-order list link behind each figure —
 * the same filters the server counted it with (server/src/modules/work-orders/overview.ts) — and the colour scale
 * of the district map.
 */
import { emptyFilters, filtersToParams, type ListFilters } from '../work-orders/model';

export const COUNT_FIGURES = ['receivedToday', 'open', 'awaitingDispatch', 'warning', 'overdue', 'supervised', 'closedToday'] as const;
export type CountFigure = (typeof COUNT_FIGURES)[number];

export interface Overview {
  asOf: string;
  today: { day: string; from: string; to: string };
  period: { from: string; to: string; days: number };
  counts: Record<CountFigure, number>;
  rates: { total: number; closed: number; closedOnTime: number; onTimeRate: number | null; rated: number; satisfactionRate: number | null };
  districts: { code: string | null; open: number; overdue: number }[];
}

/** The list's filters for a figure; `day` is today in China (YYYY-MM-DD). */
export function figureFilters(figure: CountFigure, day: string): ListFilters {
  const f = emptyFilters();
  switch (figure) {
    case 'receivedToday':
      return { ...f, from: day, to: day };
    case 'open':
      return { ...f, open: true, sort: 'due' };
    case 'awaitingDispatch':
      return { ...f, status: ['received', 'accepted', 'returned'] };
    case 'warning':
      return { ...f, open: true, warned: true, overdue: false, sort: 'due' };
    case 'overdue':
      return { ...f, open: true, overdue: true, sort: 'due' };
    case 'supervised':
      return { ...f, open: true, supervised: true, sort: 'due' };
    case 'closedToday':
      return { ...f, closedFrom: day, closedTo: day };
  }
}

const listPath = (f: ListFilters) => `/work-orders?${filtersToParams(f).toString()}`;

export const figureLink = (figure: CountFigure, day: string) => listPath(figureFilters(figure, day));

/** The open (or open and overdue) orders of one district, soonest due first. */
export function districtLink(code: string, metric: DistrictMetric): string {
  return listPath({ ...emptyFilters(), district: code, open: true, ...(metric === 'overdue' ? { overdue: true } : {}), sort: 'due' });
}

/** The statistics page for the rates' period (the same figures, with their breakdowns). */
export function statsLink(period: { from: string; to: string }): string {
  return `/stats?${new URLSearchParams({ from: period.from, to: period.to }).toString()}`;
}

// ---- District colours -----------------------------------------------------------------------------------------

export type DistrictMetric = 'open' | 'overdue';

/** Light to dark, each step readable under the map's dark labels with their white halo. */
export const PALETTES: Record<DistrictMetric, readonly string[]> = {
  open: ['#dbe9f6', '#b3d1ec', '#82b2dd', '#5792c9', '#3573b2'],
  overdue: ['#fde4d8', '#f9bfa6', '#f3936f', '#e4654a', '#c53a2e'],
};
export const ZERO_COLOUR = '#f1f3f5';

export interface ColourStep {
  colour: string;
  /** Inclusive bounds of the counts drawn in this colour. */
  min: number;
  max: number;
}

/**
 * Steps of equal width from 1 to the largest count (at most one per palette colour; fewer when the largest count
 * is small), with 0 drawn apart. Every count from 1 to the largest falls in exactly one step.
 */
export function colourSteps(maxCount: number, palette: readonly string[]): ColourStep[] {
  if (maxCount <= 0) return [];
  const width = Math.ceil(maxCount / Math.min(palette.length, maxCount));
  const n = Math.ceil(maxCount / width);
  const steps: ColourStep[] = [];
  for (let i = 0, min = 1; min <= maxCount; i++, min += width) {
    // Spread the colours used over the whole palette so that few steps still run from light to dark.
    const colour = palette[n === 1 ? palette.length - 1 : Math.round((i * (palette.length - 1)) / (n - 1))]!;
    steps.push({ colour, min, max: Math.min(maxCount, min + width - 1) });
  }
  return steps;
}

export function colourOf(count: number, steps: readonly ColourStep[]): string {
  if (count <= 0) return ZERO_COLOUR;
  return steps.find((s) => count >= s.min && count <= s.max)?.colour ?? steps.at(-1)?.colour ?? ZERO_COLOUR;
}

/** Each district code's fill for the metric (districts without orders: ZERO_COLOUR), and the legend's steps. */
export function districtFills(
  codes: readonly string[],
  rows: Overview['districts'],
  metric: DistrictMetric,
): { fills: Record<string, string>; steps: ColourStep[] } {
  const byCode = new Map(rows.filter((r) => r.code !== null).map((r) => [r.code!, r[metric]]));
  const steps = colourSteps(Math.max(0, ...byCode.values()), PALETTES[metric]);
  return { fills: Object.fromEntries(codes.map((c) => [c, colourOf(byCode.get(c) ?? 0, steps)])), steps };
}
