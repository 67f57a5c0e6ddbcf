/**
 * Several writes sent as one statement: `WITH w0 AS (INSERT …), w1 AS (INSERT …) SELECT …`. PostgreSQL runs every
 * data-modifying WITH part exactly once, all against the same snapshot, and checks foreign keys at the end of the
 * statement — so the parts must not read each other's rows, but may refer to them (a timeline entry to the order
 * inserted beside it) and may read what an earlier part returned. On a hot path (a work-order create) this turns
 * many round trips into one; every round trip costs a system call on each side, which is what a busy server spends
 * its time on.
 *
 * A part that has to be named by another (an event's jobs select the event's id) passes its own `name`; names from
 * `name()` are unique in the process, so the parts of several batches can go in one statement (`executeAll`).
 *
 * A batch can make the parts added after a given one conditional on it (`onlyIfReturned`): a work-order create's
 * first part claims its Idempotency-Key, and every later row is written only if that claim returned a row. The
 * builders that add parts (recordAuditIn, outbox.publishIn / scheduleIn, the work-order repo) write their rows
 * `WHERE ${batch.onlyIf}`; a statement added as is with `add` is not conditional.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../app-context.js';

let named = 0;

export class WriteBatch {
  readonly #parts: Array<{ name: string; statement: RawBuilder<unknown> }> = [];
  readonly #after: Array<() => void> = [];
  #onlyIf: RawBuilder<SqlBool> = sql<SqlBool>`true`;

  /** A name for a part (for parts that refer to each other), unique in the process. */
  name(prefix: string): string {
    named = (named + 1) % Number.MAX_SAFE_INTEGER;
    return `${prefix}_${named}`;
  }

  add(statement: RawBuilder<unknown>, name = this.name('w')): this {
    this.#parts.push({ name, statement });
    return this;
  }

  /** Rows of the parts added from now on are written only if the part `name` (already added) returns a row. */
  onlyIfReturned(name: string): this {
    if (!this.#parts.some((p) => p.name === name)) throw new Error(`no part named ${name} in this batch`);
    this.#onlyIf = sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.ref(name)})`;
    return this;
  }

  /** The condition the builders put on the rows they add (`true` unless `onlyIfReturned` was called). */
  get onlyIf(): RawBuilder<SqlBool> {
    return this.#onlyIf;
  }

  /** Runs after the batch executed (e.g. waking the in-process worker). */
  afterExecute(fn: () => void): this {
    this.#after.push(fn);
    return this;
  }

  get size(): number {
    return this.#parts.length;
  }

  /**
   * Sends what was added since the last execute (nothing: no statement). Returns whether the conditional parts
   * were written (always true without `onlyIfReturned`).
   */
  async execute(tx: Db): Promise<boolean> {
    return (await WriteBatch.executeAll(tx, [this]))[0]!;
  }

  /**
   * Sends the parts of several batches as one statement (their part names must differ: use `name()`), and returns
   * for each batch whether its conditional parts were written. The statement is atomic: if any part fails, none of
   * any batch is written, and the batches keep their parts (each can then be sent alone); on success they are
   * emptied as by `execute`.
   */
  static async executeAll(tx: Db, batches: readonly WriteBatch[]): Promise<boolean[]> {
    const pending = batches.flatMap((b) => b.#parts);
    const conditions = batches.map((b) => b.#onlyIf);
    let written = conditions.map(() => true);
    if (pending.length > 0) {
      const parts = sql.join(
        pending.map((p) => sql`${sql.ref(p.name)} AS (${p.statement})`),
        sql`, `,
      );
      const { rows } = await sql<{ written: boolean[] }>`WITH ${parts} SELECT ARRAY[${sql.join(conditions)}]::boolean[] AS written`.execute(tx);
      written = rows[0]!.written;
    }
    for (const b of batches) {
      b.#parts.length = 0;
      b.#onlyIf = sql<SqlBool>`true`; // the part it named has been sent
      for (const fn of b.#after.splice(0)) fn();
    }
    return written;
  }
}
