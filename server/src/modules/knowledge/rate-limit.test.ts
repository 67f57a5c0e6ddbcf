import { describe, expect, it } from 'vitest';
import { WindowLimiter } from './rate-limit.js';

describe('WindowLimiter', () => {
  it('lets N requests through per window and key, then says how long to wait', () => {
    let t = 0;
    const l = new WindowLimiter({ requests: 3, windowMs: 10_000, maxKeys: 100 }, () => t);
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([0, 0, 0]);
    expect(l.take('a')).toBe(10);
    expect(l.take('b')).toBe(0);
    t = 7_500;
    expect(l.take('a')).toBe(3);
    t = 10_000;
    expect(l.take('a')).toBe(0);
  });

  it('forgets the oldest keys beyond its bound', () => {
    let t = 0;
    const l = new WindowLimiter({ requests: 1, windowMs: 1_000_000, maxKeys: 50 }, () => t);
    for (let i = 0; i < 200; i++) {
      t = i;
      l.take(`k${i}`);
    }
    expect(l.size).toBe(50);
    // The newest key is still limited; the first one was forgotten and may go again.
    expect(l.take('k199')).toBeGreaterThan(0);
    expect(l.take('k0')).toBe(0);
  });
});
