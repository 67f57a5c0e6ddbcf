import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

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
