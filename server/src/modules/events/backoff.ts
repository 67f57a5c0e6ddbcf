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
