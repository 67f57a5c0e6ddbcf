/**
 * For unit tests about time zones: the process runs in `zone` (as a clerk's laptop abroad would) for the test file,
 * and its own zone comes back afterwards. Returns a setter for a test that needs yet another zone for a while.
 * A test kit: like the tests, kept out of the app's type check (tsconfig.json) and never imported by the app.
 */
import { afterAll, beforeAll } from 'vitest';

export function runInZone(zone: string): (other: string) => void {
  const saved = process.env.TZ;
  const set = (tz: string) => {
    process.env.TZ = tz;
  };
  beforeAll(() => set(zone));
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  return set;
}
