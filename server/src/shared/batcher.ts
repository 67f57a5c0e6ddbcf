/**
 * Group commit for hot single-row operations: concurrent callers share one statement. An operation goes at once
 * when no statement of this batcher is in flight (fewer than `streams`); operations that arrive meanwhile queue, and
 * when a statement returns, the queue (up to `maxBatch` of it) goes as the next one — one round trip, one execution
 * and one commit for all of them. A lone operation never waits for a timer, so an idle server answers as fast as
 * before, and a busy one spends far less per operation (on PostgreSQL a statement's fixed cost — protocol, executor
 * start, commit — is most of what a small one costs).
 *
 * `run` receives the operations of one statement and returns one result per operation, in order; it should be one
 * statement of fixed text (see shared/row-set.ts) so that it is prepared once per connection. If a shared statement
 * fails, none of it took effect (a statement is atomic) and each of its operations is run alone, so that only a bad
 * one fails, with its own error — unless the database could not be reached or the connection was lost: then whether
 * it took effect is unknown (it may have committed just before), and every operation fails with that error (503; a
 * create retried with its Idempotency-Key finds its claim if it was written). Operations with the same `conflictKey` never share a statement (a statement that
 * claims a key cannot claim it twice): the later one waits for the next statement.
 *
 * Used by the work-order create (its read and its write) and the session lookup of every authenticated request.
 */
import { isDatabaseUnavailable } from '../db/unavailable.js';

export interface BatcherOptions<In> {
  /** Operations in one statement at most (its text stays fixed; the rows it locks and its duration grow). */
  maxBatch: number;
  /** Statements in flight at once (1: the next statement takes everything that arrived meanwhile). */
  streams?: number;
  /** Operations with the same key (not null) never share a statement. */
  conflictKey?: (op: In) => string | null;
}

interface Pending<In, Out> {
  op: In;
  key: string | null;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

export class Batcher<In, Out> {
  readonly #queue: Array<Pending<In, Out>> = [];
  #inFlight = 0;
  readonly #streams: number;
  readonly #conflictKey: (op: In) => string | null;
  /** Operations per statement at most (1: every operation alone, as the benches' comparison runs do). */
  maxBatch: number;
  /**
   * Statements sent and the operations in them, the most in one, and shared statements that failed and were run
   * again operation by operation (tests and benches look at how operations shared).
   */
  readonly stats = { statements: 0, operations: 0, largest: 0, split: 0 };

  constructor(
    private readonly run: (ops: In[]) => Promise<Out[]>,
    opts: BatcherOptions<In>,
  ) {
    this.maxBatch = opts.maxBatch;
    this.#streams = opts.streams ?? 1;
    this.#conflictKey = opts.conflictKey ?? (() => null);
  }

  /** Runs the operation, alone or with others; settles after the statement that carried it has completed. */
  submit(op: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#queue.push({ op, key: this.#conflictKey(op), resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#streams && this.#queue.length > 0) {
      const group = this.#take();
      this.#inFlight++;
      void this.#send(group).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /** The next statement's operations: in arrival order, skipping (for a later statement) a key already taken. */
  #take(): Array<Pending<In, Out>> {
    const group: Array<Pending<In, Out>> = [];
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
    this.stats.operations += group.length;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    return group;
  }

  async #send(group: Array<Pending<In, Out>>): Promise<void> {
    try {
      const outs = await this.run(group.map((p) => p.op));
      group.forEach((p, i) => p.resolve(outs[i]!));
    } catch (err) {
      if (group.length === 1 || isDatabaseUnavailable(err)) {
        for (const p of group) p.reject(err);
        return;
      }
      // Nothing of the shared statement took effect: each operation alone, so that only a bad one fails.
      this.stats.split++;
      for (const p of group) {
        await this.run([p.op]).then(([out]) => p.resolve(out!), p.reject);
      }
    }
  }
}

/** One batcher per database handle (so that all the operations of a process on a database can share). */
export function batcherPer<Db extends object, In, Out>(make: (db: Db) => Batcher<In, Out>): (db: Db) => Batcher<In, Out> {
  const batchers = new WeakMap<Db, Batcher<In, Out>>();
  return (db) => {
    let b = batchers.get(db);
    if (!b) batchers.set(db, (b = make(db)));
    return b;
  };
}
