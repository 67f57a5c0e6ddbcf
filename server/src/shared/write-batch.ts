/**
 * Several writes sent as one statement: `WITH w0 AS (INSERT …), w1 AS (INSERT …) SELECT 1`. PostgreSQL runs every
 * data-modifying WITH part exactly once, all against the same snapshot, and checks foreign keys at the end of the
 * statement — so the parts must not read each other's rows, but may refer to them (a timeline entry to the order
 * inserted beside it). On a hot path (a work-order create) this turns five round trips into one; every round trip
 * costs a system call on each side, which is what a busy server spends its time on.
 *
 * A part that has to be named by another (an event's jobs select the event's id) passes its own `name`.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../app-context.js';

export class WriteBatch {
  readonly #parts: Array<{ name: string; statement: RawBuilder<unknown> }> = [];
  readonly #after: Array<() => void> = [];

  #named = 0;

  /** A unique name for a part (for parts that refer to each other). */
  name(prefix: string): string {
    return `${prefix}_${this.#named++}`;
  }

  add(statement: RawBuilder<unknown>, name = this.name('w')): this {
    this.#parts.push({ name, statement });
    return this;
  }

  /** Runs after the batch executed (e.g. waking the in-process worker). */
  afterExecute(fn: () => void): this {
    this.#after.push(fn);
    return this;
  }

  get size(): number {
    return this.#parts.length;
  }

  /** Sends what was added since the last execute (nothing: no statement). */
  async execute(tx: Db): Promise<void> {
    const pending = this.#parts.splice(0);
    if (pending.length > 0) {
      const parts = sql.join(
        pending.map((p) => sql`${sql.ref(p.name)} AS (${p.statement})`),
        sql`, `,
      );
      await sql`WITH ${parts} SELECT 1`.execute(tx);
    }
    for (const fn of this.#after.splice(0)) fn();
  }
}
