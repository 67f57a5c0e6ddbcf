/**
 * The log of a background loop that retries (audit chainer, job worker): while the database cannot be reached every
 * pass fails the same way, so a run of such failures is logged once — its first at warn, the rest at debug — and its
 * end at info, instead of an error every few hundred milliseconds for the whole outage. Any other failure is an
 * error, each time.
 */
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/unavailable.js';

export interface FailureRun {
  /** Logs a failure; true when it was the database that could not be reached (the caller may retry sooner). */
  failed(err: unknown): boolean;
  succeeded(): void;
}

export function failureRun(log: Logger, what: string): FailureRun {
  let unreachable = 0;
  return {
    failed(err) {
      if (!isDatabaseUnavailable(err)) {
        log.error({ err }, `${what} failed; retrying`);
        return false;
      }
      unreachable++;
      if (unreachable === 1) log.warn({ reason: (err as Error).message }, `${what}: database unreachable; retrying until it is back`);
      else log.debug({ reason: (err as Error).message, failures: unreachable }, `${what}: database still unreachable`);
      return true;
    },
    succeeded() {
      if (unreachable === 0) return;
      log.info({ failures: unreachable }, `${what}: database reachable again`);
      unreachable = 0;
    },
  };
}
