/**
 * A fixed-window request counter per key (the client address), in memory, for the public knowledge search:
 * residents need no account, so the address is all there is to bound. Each process counts on its own.
 */
export interface WindowPolicy {
  requests: number;
  windowMs: number;
  /** Bound on remembered keys; the oldest windows are forgotten first. */
  maxKeys: number;
}

/** A resident reading 常见问题 makes a request per keystroke pause; 60 a minute is generous for one, small for a scraper. */
export const PUBLIC_SEARCH_RATE: WindowPolicy = { requests: 60, windowMs: 60_000, maxKeys: 10_000 };

export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly policy: WindowPolicy = PUBLIC_SEARCH_RATE,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one request; 0 when it may go ahead, else the seconds until the window ends. */
  take(key: string): number {
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.policy.windowMs) {
      if (w) this.windows.delete(key);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      this.evict(now);
    }
    if (w.count >= this.policy.requests) return Math.max(1, Math.ceil((w.start + this.policy.windowMs - now) / 1000));
    w.count += 1;
    return 0;
  }

  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    if (this.windows.size <= this.policy.maxKeys) return;
    // Insertion order is window-start order (a new window re-inserts its key), so the first are the oldest.
    for (const [key, w] of this.windows) {
      if (this.windows.size <= this.policy.maxKeys && now - w.start < this.policy.windowMs) break;
      this.windows.delete(key);
    }
  }
}
