import { describe, expect, it } from 'vitest';
import { filtersFromParams, filtersToQuery } from '../work-orders/model';
import { colourOf, colourSteps, COUNT_FIGURES, districtFills, districtLink, figureFilters, figureLink, PALETTES, statsLink, ZERO_COLOUR } from './model';

const query = (link: string) => {
  const { sort: _sort, ...rest } = filtersToQuery(filtersFromParams(new URLSearchParams(link.split('?')[1])));
  return rest;
};

describe('overview figure links', () => {
  // The server counts each figure with these list filters (server/src/modules/work-orders/overview.ts).
  it('send the list exactly the filters the server counted each figure with', () => {
    const day = '2026-11-23';
    expect(Object.fromEntries(COUNT_FIGURES.map((f) => [f, query(figureLink(f, day))]))).toEqual({
      receivedToday: { from: '2026-11-23T00:00:00+08:00', to: '2026-11-24T00:00:00+08:00' },
      open: { open: 'true' },
      awaitingDispatch: { status: 'received,accepted,returned' },
      warning: { open: 'true', warned: 'true', overdue: 'false' },
      overdue: { open: 'true', overdue: 'true' },
      supervised: { open: 'true', supervised: 'true' },
      closedToday: { closedFrom: '2026-11-23T00:00:00+08:00', closedTo: '2026-11-24T00:00:00+08:00' },
    });
    expect(figureFilters('overdue', day).sort).toBe('due');
  });

  it('link a district to its open (or open and overdue) orders, and the rates to their period', () => {
    expect(query(districtLink('510107', 'open'))).toEqual({ district: '510107', open: 'true' });
    expect(query(districtLink('510107', 'overdue'))).toEqual({ district: '510107', open: 'true', overdue: 'true' });
    expect(statsLink({ from: '2026-10-25', to: '2026-11-23' })).toBe('/stats?from=2026-10-25&to=2026-11-23');
  });
});

describe('district colours', () => {
  it('cover every count from 1 to the largest exactly once, light to dark', () => {
    for (const max of [1, 2, 3, 5, 6, 17, 100, 101]) {
      const steps = colourSteps(max, PALETTES.open);
      expect(steps[0]!.min).toBe(1);
      expect(steps.at(-1)!.max).toBe(max);
      for (let i = 1; i < steps.length; i++) expect(steps[i]!.min).toBe(steps[i - 1]!.max + 1);
      expect(steps.length).toBeLessThanOrEqual(PALETTES.open.length);
      expect(steps.at(-1)!.colour).toBe(PALETTES.open.at(-1));
      for (let n = 1; n <= max; n++) expect(steps.filter((s) => n >= s.min && n <= s.max)).toHaveLength(1);
    }
    expect(colourSteps(0, PALETTES.open)).toEqual([]);
    expect(colourSteps(2, PALETTES.open).map((s) => s.colour)).toEqual([PALETTES.open[0], PALETTES.open[4]]);
  });

  it('colour districts by the chosen count, those without orders apart', () => {
    const rows = [
      { code: '510104', open: 10, overdue: 0 },
      { code: '510105', open: 1, overdue: 2 },
      { code: null, open: 50, overdue: 50 },
    ];
    const open = districtFills(['510104', '510105', '510106'], rows, 'open');
    expect(open.fills).toEqual({ '510104': PALETTES.open[4], '510105': PALETTES.open[0], '510106': ZERO_COLOUR });
    expect(open.steps.at(-1)!.max).toBe(10);
    const overdue = districtFills(['510104', '510105'], rows, 'overdue');
    expect(overdue.fills).toEqual({ '510104': ZERO_COLOUR, '510105': PALETTES.overdue[4] });
    expect(colourOf(0, overdue.steps)).toBe(ZERO_COLOUR);
  });
});
