import { describe, expect, it } from 'vitest';
import { assignCodes, readingOrder, type Candidate, type StoredGrid } from './codes.js';

const C = '510104001001';
const cell = (index: number, col: number, row: number, extra: Partial<Candidate> = {}): Candidate => ({
  index,
  code: null,
  communityCode: C,
  hash: `h${col},${row}`,
  // Rows go south as row grows; cells are 0.01° square.
  cx: 104 + col * 0.01,
  cy: 30.7 - row * 0.01,
  height: 0.01,
  ...extra,
});

describe('readingOrder', () => {
  it('numbers rows north→south, then west→east, tolerating clipped cells with shifted centres', () => {
    const items = [cell(0, 1, 1), cell(1, 0, 0), cell(2, 2, 0), cell(3, 0, 1), cell(4, 1, 0, { cy: 30.7 - 0.003, height: 0.004 })];
    expect(readingOrder(items).map((i) => i.index)).toEqual([1, 4, 2, 3, 0]);
  });
  it('is empty for nothing', () => expect(readingOrder([])).toEqual([]));
});

describe('assignCodes', () => {
  it('numbers a fresh community 01… in reading order', () => {
    const r = assignCodes([cell(0, 1, 0), cell(1, 0, 1), cell(2, 0, 0)], []);
    expect(r.assigned.map((a) => [a.index, a.code])).toEqual([
      [0, `${C}02`],
      [1, `${C}03`],
      [2, `${C}01`],
    ]);
    expect(r.rejected).toEqual([]);
  });

  it('keeps codes and rows of unchanged grids on re-import and numbers changed ones after the highest', () => {
    const stored: StoredGrid[] = [
      { id: 'a', code: `${C}01`, communityCode: C, hash: 'h0,0' },
      { id: 'b', code: `${C}02`, communityCode: C, hash: 'h1,0' },
      { id: 'c', code: `${C}03`, communityCode: C, hash: 'h0,1' },
    ];
    // Cell (1,0) changed shape; (0,1) disappeared; (0,0) unchanged; (1,1) is new.
    const r = assignCodes([cell(0, 0, 0), cell(1, 1, 0, { hash: 'changed' }), cell(2, 1, 1)], stored);
    expect(r.assigned).toEqual([
      { index: 0, code: `${C}01`, keepId: 'a', unchanged: true },
      { index: 1, code: `${C}04`, keepId: null, unchanged: false },
      { index: 2, code: `${C}05`, keepId: null, unchanged: false },
    ]);
  });

  it('does not carry a code into another community even with the same geometry', () => {
    const stored: StoredGrid[] = [{ id: 'a', code: `${C}01`, communityCode: C, hash: 'h0,0' }];
    const r = assignCodes([cell(0, 0, 0, { communityCode: '510104001002' })], stored);
    expect(r.assigned[0]).toMatchObject({ code: '51010400100201', keepId: null, unchanged: false });
  });

  it('keeps given codes, rejects duplicates, and lets a given code claim the stored row with that code', () => {
    const stored: StoredGrid[] = [{ id: 'a', code: `${C}07`, communityCode: C, hash: 'old' }];
    const r = assignCodes([cell(0, 0, 0, { code: `${C}07` }), cell(1, 1, 0, { code: `${C}07` }), cell(2, 2, 0)], stored);
    expect(r.assigned).toEqual([
      { index: 0, code: `${C}07`, keepId: 'a', unchanged: false },
      { index: 2, code: `${C}08`, keepId: null, unchanged: false },
    ]);
    expect(r.rejected).toEqual([{ index: 1, reason: 'grid.code_duplicate', detail: `${C}07` }]);
  });

  it('a given code wins over a hash match for the same stored grid', () => {
    const stored: StoredGrid[] = [{ id: 'a', code: `${C}01`, communityCode: C, hash: 'h0,0' }];
    const r = assignCodes([cell(0, 0, 0), cell(1, 5, 5, { code: `${C}01` })], stored);
    expect(r.assigned).toEqual([
      { index: 0, code: `${C}02`, keepId: null, unchanged: false },
      { index: 1, code: `${C}01`, keepId: 'a', unchanged: false },
    ]);
  });

  it('past 99 uses never-used numbers, then numbers of removed grids, then rejects', () => {
    const stored: StoredGrid[] = [
      { id: 'x', code: `${C}98`, communityCode: C, hash: 'gone98' },
      { id: 'y', code: `${C}99`, communityCode: C, hash: 'gone99' },
    ];
    const many = Array.from({ length: 100 }, (_, i) => cell(i, i % 10, Math.floor(i / 10)));
    const r = assignCodes(many, stored);
    const seqs = r.assigned.map((a) => Number(a.code.slice(12)));
    expect(new Set(seqs).size).toBe(99);
    // Reading order: the first 97 take 01–97, then the removed grids' 98 and 99 are reused (with their rows).
    expect(seqs.slice(0, 97)).toEqual(Array.from({ length: 97 }, (_, i) => i + 1));
    expect(r.assigned[97]).toMatchObject({ code: `${C}98`, keepId: 'x' });
    expect(r.rejected).toEqual([{ index: 99, reason: 'grid.sequence_exhausted', detail: C }]);
  });

  it('starts after the highest stored sequence rather than filling gaps', () => {
    const stored: StoredGrid[] = [{ id: 'z', code: `${C}40`, communityCode: C, hash: 'gone' }];
    const r = assignCodes([cell(0, 0, 0)], stored);
    expect(r.assigned[0]!.code).toBe(`${C}41`);
  });
});
