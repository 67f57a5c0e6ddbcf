/**
 * Group commit for the write statement of plain creates (see createWorkOrder). A create's write goes at once when
 * no write is in flight (fewer than STREAMS); creates that arrive meanwhile queue, and when a write returns, the queue
 * (up to MAX_BATCH of it) goes as ONE statement — one round trip, one parse and plan, one commit and one WAL flush
 * for all of them. A lone create never waits for a timer.
 *
 * Each create's parts stay conditional on its own Idempotency-Key claim (WriteBatch.executeAll answers per batch).
 * Two creates with the same key never share a statement (a statement cannot claim the same key twice): the second
 * waits for the next one, where it finds the first's claim and replays its answer. If a shared statement fails
 * (one create's foreign key, say), nothing of it was written and each of its creates is sent alone, so only the bad
 * one fails, with its own error. A create's promise settles only after its statement has committed.
 */
import type { Db } from '../../app-context.js';
import { WriteBatch } from '../../shared/write-batch.js';

/**
 * Writes in flight at once. One: the next statement then takes everything that arrived meanwhile (on the bench, 1
 * stream gave 6.8 creates per statement and 2 streams 3.1, at the same rate; PGlite runs statements one at a time).
 */
const STREAMS = 1;
/** Creates in one statement at most (its text, planning and the rows it locks grow with it). */
const MAX_BATCH = 64;

interface Pending {
  batch: WriteBatch;
  /** Idempotency scope and key (null without one): at most one create per key in a statement. */
  key: string | null;
  resolve: (written: boolean) => void;
  reject: (err: unknown) => void;
}

export class CreateWriter {
  readonly #queue: Pending[] = [];
  #inFlight = 0;
  /** Creates per statement at most (1: every create alone, as the bench's comparison run does). */
  maxBatch = MAX_BATCH;
  /**
   * Statements sent and the creates in them, the most in one, and shared statements that failed and were sent again
   * create by create (tests and the bench look at how creates shared).
   */
  readonly stats = { statements: 0, creates: 0, largest: 0, split: 0 };

  constructor(private readonly db: Db) {}

  /** Sends the create's write batch, alone or with others; resolves to whether its conditional parts were written. */
  write(batch: WriteBatch, key: string | null): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ batch, key, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < STREAMS && this.#queue.length > 0) {
      const group = this.#take();
      this.#inFlight++;
      void this.#send(group).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /** The next statement's creates: in arrival order, skipping (for a later statement) a key already taken. */
  #take(): Pending[] {
    const group: Pending[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.#queue.length && group.length < this.maxBatch; ) {
      const p = this.#queue[i]!;
      if (p.key !== null && keys.has(p.key)) {
        i++;
        continue;
      }
      if (p.key !== null) keys.add(p.key);
      group.push(p);
      this.#queue.splice(i, 1);
    }
    this.stats.statements++;
    this.stats.creates += group.length;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    return group;
  }

  async #send(group: Pending[]): Promise<void> {
    try {
      const written = await WriteBatch.executeAll(this.db, group.map((p) => p.batch));
      group.forEach((p, i) => p.resolve(written[i]!));
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // Nothing of the shared statement was written: each create alone, so that only a bad one fails.
      this.stats.split++;
      for (const p of group) {
        await WriteBatch.executeAll(this.db, [p.batch]).then(([written]) => p.resolve(written!), p.reject);
      }
    }
  }
}

const writers = new WeakMap<Db, CreateWriter>();

/** The writer of this database handle (one per process and database, so that all its creates can share). */
export function createWriter(db: Db): CreateWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new CreateWriter(db)));
  return w;
}
