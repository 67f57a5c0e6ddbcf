import { DATABASE_RETRY_AFTER_SECONDS } from '../../db/unavailable.js';

/**
 * When to retry a failed job: exponential backoff from `baseMs`, doubled per attempt, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so many jobs failing together on an outage do not retry in lockstep.
 * Returns null when the attempt just made was the last allowed one.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60 * 60_000 };

export function retryDelayMs(
  attempt: number,
  maxAttempts: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number | null {
  if (attempt >= maxAttempts) return null;
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** The longest the worker's polling loop waits after failed passes (claiming jobs) for any other reason. */
const FAILED_POLL_MAX_MS = 30_000;
/**
 * The longest it waits while the database cannot be reached: the 503's Retry-After. Due jobs (SLA timers) then run
 * within seconds of the database coming back, even when no write in this process wakes the worker.
 */
export const OUTAGE_POLL_MAX_MS = DATABASE_RETRY_AFTER_SECONDS * 1_000;

/**
 * How long the polling loop waits after `failures` failed passes in a row: doubling from the poll interval, up to
 * 30 s — or up to OUTAGE_POLL_MAX_MS when the last one failed because the database cannot be reached (never less
 * than the poll interval).
 */
export function pollDelayAfterFailures(failures: number, pollIntervalMs: number, databaseUnavailable: boolean): number {
  const grown = pollIntervalMs * 2 ** Math.min(Math.max(failures, 1), 5);
  return Math.max(pollIntervalMs, Math.min(databaseUnavailable ? OUTAGE_POLL_MAX_MS : FAILED_POLL_MAX_MS, grown));
}
