import { describe, expect, it } from 'vitest';
import { OUTAGE_POLL_MAX_MS, pollDelayAfterFailures, retryDelayMs } from './backoff.js';

const policy = { baseMs: 1000, maxMs: 60_000 };

describe('retryDelayMs', () => {
  it('doubles per attempt within [ceiling/2, ceiling]', () => {
    expect(retryDelayMs(1, 10, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, 10, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(2, 10, policy, () => 1)).toBe(2000);
    expect(retryDelayMs(3, 10, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(4, 10, policy, () => 0.5)).toBe(6000);
  });

  it('caps at maxMs, even for huge attempt numbers', () => {
    expect(retryDelayMs(8, 100, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(99, 100, policy, () => 0)).toBe(30_000);
  });

  it('gives up after the last allowed attempt', () => {
    expect(retryDelayMs(3, 3, policy)).toBeNull();
    expect(retryDelayMs(4, 3, policy)).toBeNull();
    expect(retryDelayMs(2, 3, policy)).not.toBeNull();
  });
});

describe('pollDelayAfterFailures', () => {
  const schedule = (unavailable: boolean, pollMs = 1_000) => [1, 2, 3, 4, 5, 6, 20].map((n) => pollDelayAfterFailures(n, pollMs, unavailable));

  it('waits at most the 503 Retry-After (5 s) while the database cannot be reached', () => {
    expect(OUTAGE_POLL_MAX_MS).toBe(5_000);
    expect(schedule(true)).toEqual([2_000, 4_000, 5_000, 5_000, 5_000, 5_000, 5_000]);
  });

  it('backs off up to 30 s for any other failure', () => {
    expect(schedule(false)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('never polls faster than the poll interval', () => {
    expect(schedule(true, 10_000)).toEqual(Array(7).fill(10_000));
    expect(schedule(true, 50)).toEqual([100, 200, 400, 800, 1_600, 1_600, 1_600]);
  });
});
