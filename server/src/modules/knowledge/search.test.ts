import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, queryWords } from './search.js';

describe('queryWords', () => {
  it("drops a caller's filler words and keeps the topic", () => {
    const words = queryWords('请问一下，我想咨询公租房怎么申请？');
    expect(words).toContain('租房');
    expect(words).toContain('申请');
    for (const filler of ['请问', '我', '想', '怎么', '一下', '咨询']) expect(words).not.toContain(filler);
  });

  it('keeps everything when there is nothing but filler, and nothing for punctuation', () => {
    expect(queryWords('怎么办').length).toBeGreaterThan(0);
    expect(queryWords('？？！')).toEqual([]);
  });
});

describe('cursors', () => {
  it('round-trip, and anything else is refused', () => {
    const id = '0b0f6a2e-5d6c-4b8e-9a51-1f2d3c4b5a69';
    for (const c of [
      { kind: 'rank', mode: 'or', rank: '0.0607927', id },
      { kind: 'rank', mode: 'and', rank: '1e-20', id },
      { kind: 'time', at: '2026-11-22 10:11:12.123456+00', id },
    ] as const) {
      expect(decodeCursor(encodeCursor(c))).toEqual(c);
    }
    for (const bad of ['', 'abc', '!!', Buffer.from('r|xor|0.1|' + id).toString('base64url'), Buffer.from('t|yesterday|' + id).toString('base64url'), Buffer.from('r|and|0.1|not-a-uuid').toString('base64url')]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});
