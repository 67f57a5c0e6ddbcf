import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mask, maskChineseName, maskPhoneNumber, type MaskKind } from './masking.js';

const published = JSON.parse(readFileSync(new URL('../../../../shared/data/vectors/published.json', import.meta.url), 'utf8')) as {
  masking: { cases: Array<{ kind: MaskKind; in: string; out: string }> };
};

describe('default masking policy', () => {
  it('reproduces every published masking vector exactly', () => {
    expect(published.masking.cases.length).toBeGreaterThanOrEqual(6);
    for (const c of published.masking.cases) expect(mask(c.kind, c.in), `${c.kind} ${c.in}`).toBe(c.out);
  });

  it('masks short and unusual values without revealing them', () => {
    expect(maskChineseName('张三')).toBe('张*');
    expect(maskChineseName('李')).toBe('李*');
    expect(maskChineseName('𠮷野家')).toBe('𠮷**');
    expect(mask('mobile', '123')).toBe('***');
    expect(mask('address', '春熙路')).toBe('***');
  });

  it('tells mobiles from landlines', () => {
    expect(maskPhoneNumber('+86 180-4953-1999')).toBe('180****1999');
    expect(maskPhoneNumber('028-86001234')).toBe('0288*****34');
    expect(maskPhoneNumber('09157518479')).toBe('0915*****79');
  });
});
