import { describe, expect, it } from 'vitest';
import { bytesToBase64, codeCounts, formatArea, hasProblems, importPercent, levelOf } from './model';

describe('grid screen model', () => {
  it('maps progress lines onto one bar, phase by phase, never past the phase end', () => {
    expect(importPercent(null)).toBe(0);
    expect(importPercent({ phase: 'parse', done: 50_000, total: 100_000 })).toBe(15);
    expect(importPercent({ phase: 'stage', done: 100_000, total: 100_000 })).toBe(60);
    expect(importPercent({ phase: 'check', done: 1, total: 5 })).toBe(67);
    expect(importPercent({ phase: 'check', done: 9, total: 5 })).toBe(95);
    expect(importPercent({ phase: 'write', done: 1, total: 1 })).toBe(100);
    expect(importPercent({ phase: 'parse', done: 0, total: 0 })).toBe(30);
  });

  it('reads the level from the code length', () => {
    expect(['510104', '510104001', '510104001001', '51010400100101'].map(levelOf)).toEqual(['district', 'street', 'community', 'grid']);
  });

  it('formats areas in m² or km²', () => {
    expect(formatArea(950.4, 'en')).toBe('950 m²');
    expect(formatArea(512_345, 'en')).toBe('0.51 km²');
  });

  it('counts kept and assigned codes and spots problems', () => {
    expect(codeCounts({ accepted: 10, unchanged: 7 })).toEqual({ kept: 7, assigned: 3 });
    const clean = { rejectedCount: 0, overlaps: { count: 0, items: [] }, gaps: { count: 0, items: [] }, outside: { checked: true, count: 0, items: [] } };
    expect(hasProblems(clean)).toBe(false);
    expect(hasProblems({ ...clean, gaps: { count: 1, items: [] } })).toBe(true);
  });

  it('encodes bytes as base64, also past one chunk', () => {
    expect(bytesToBase64(new Uint8Array([80, 75, 3, 4]))).toBe('UEsDBA==');
    const big = new Uint8Array(70_000).map((_, i) => i % 251);
    expect(atob(bytesToBase64(big)).length).toBe(70_000);
    expect(atob(bytesToBase64(big)).charCodeAt(69_999)).toBe(69_999 % 251);
  });
});
