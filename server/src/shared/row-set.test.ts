import { describe, expect, it } from 'vitest';
import { jsonRowsText } from './row-set.js';

describe('jsonRowsText', () => {
  it('embeds the raw field as JSON and keeps every other field as JSON.stringify gives it', () => {
    const answer = JSON.stringify({ order: { title: '井盖 "破损"\n', tags: ['a\\b', null], n: 1.5 } });
    const at = new Date('2026-11-24T08:00:00.000Z');
    const text = jsonRowsText([{ scope: 'user:1', key: 'k-1', at }, {}], 'response', [answer, '[]']);
    expect(JSON.parse(text)).toEqual([
      { scope: 'user:1', key: 'k-1', at: '2026-11-24T08:00:00.000Z', response: JSON.parse(answer) },
      { response: [] },
    ]);
    // Embedded, not escaped as a string.
    expect(text).toContain(`"response":${answer}`);
  });

  it('gives an empty array for no rows', () => {
    expect(jsonRowsText([], 'response', [])).toBe('[]');
    expect(() => jsonRowsText([{}], 'response', [])).toThrow(/1 rows, 0 texts/);
  });
});
