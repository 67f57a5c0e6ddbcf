/**
 * The public knowledge search's per-address bound: residents need no account, so the address is all there is to
 * bound. A thin use of identity's fixed-window limiter (each process counts on its own), counting every request.
 */
import { RateLimiter } from '../identity/index.js';

export interface WindowPolicy {
  requests: number;
  windowMs: number;
  /** Bound on remembered keys; the oldest windows are forgotten first. */
  maxKeys: number;
}

/** A resident reading 常见问题 makes a request per keystroke pause; 60 a minute is generous for one, small for a scraper. */
export const PUBLIC_SEARCH_RATE: WindowPolicy = { requests: 60, windowMs: 60_000, maxKeys: 10_000 };

export class WindowLimiter {
  readonly #limiter: RateLimiter;

  constructor(policy: WindowPolicy = PUBLIC_SEARCH_RATE, clock: () => number = Date.now) {
    this.#limiter = new RateLimiter({ attempts: policy.requests, windowMs: policy.windowMs, maxKeys: policy.maxKeys }, clock);
  }

  /** Counts one request; 0 when it may go ahead, else the seconds until the window ends. */
  take(key: string): number {
    const wait = this.#limiter.retryAfter(key);
    if (wait > 0) return wait;
    this.#limiter.fail(key);
    return 0;
  }

  get size(): number {
    return this.#limiter.size;
  }
}
