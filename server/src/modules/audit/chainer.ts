/**
 * The chainer links committed, unchained audit entries into the hash chain, oldest id first: each gets the next
 * seq, the previous entry's hash as prev_hash, and its own hash; the head moves to the last. One chainer works at a
 * time across all processes (the chain's advisory lock, tried, never waited for); a batch is one short transaction of
 * two statements (lock and list, then link and move the head) besides BEGIN and COMMIT.
 *
 * An entry whose transaction commits late (a lower id than entries already chained) simply gets a later seq: the
 * chain's order is the order entries became visible, and `id` keeps the order they were written in.
 */
import type { Db } from '../../app-context.js';
import type { Logger } from 'pino';
import { failureRun } from '../../shared/failure-run.js';
import { GENESIS, entryHash } from './chain.js';
import { chainEntries, countPending, lockAndListPending } from './audit.repo.js';

const BATCH = 500;

/** Chains one batch; returns how many entries were chained (0 also when another chainer holds the lock). */
export async function chainBatch(db: Db, limit = BATCH): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const listed = await lockAndListPending(tx, limit);
    if (!listed || listed.pending.length === 0) return 0;
    const { pending, head } = listed;
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS;
    const chained = pending.map((e) => {
      seq++;
      // Object.assign onto the listed entry (used for nothing else): `{ ...e, seq, prevHash }` is slow on V8.
      const hash = entryHash(Object.assign(e, { seq, prevHash }));
      const link = { id: e.id, seq, prevHash, hash };
      prevHash = hash;
      return link;
    });
    // False: a chainer committed between the listing's snapshot and the lock; the next pass starts from its head.
    return (await chainEntries(tx, head, chained)) ? chained.length : 0;
  });
}

/**
 * Chains everything pending now (bounded: at most `maxBatches` batches). When another process holds the lock,
 * waits briefly and retries, so that on return every entry committed before the call is chained.
 */
export async function chainAuditLog(db: Db, maxBatches = 10_000): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await chainBatch(db);
    total += n;
    if (n === BATCH) continue;
    // Nothing chained: done, unless entries are pending because another chainer holds the lock.
    if (n > 0 || (await countPending(db)) === 0) return total;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return total;
}

export interface AuditChainer {
  /** Asks for a pass soon (after an audited commit, say); passes never overlap. */
  poke(): void;
  stop(): Promise<void>;
}

/** Runs the chainer in the background of a server process: every `intervalMs`, and when poked. */
export function startAuditChainer(db: Db, logger: Logger, intervalMs = 200): AuditChainer {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  const failures = failureRun(logger, 'audit chainer');
  const pass = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        while (!stopped && (await chainBatch(db)) === BATCH) {
          /* a backlog: keep going */
        }
        failures.succeeded();
      } catch (err) {
        failures.failed(err); // retried on the next tick
      } finally {
        running = null;
        if (again && !stopped) {
          again = false;
          pass();
        }
      }
    })();
  };
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    poke: pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      // What was committed before the stop is chained by this process, not left for the next one.
      await chainAuditLog(db, 100).catch((err: unknown) => logger.error({ err }, 'audit chainer: final pass failed'));
    },
  };
}
