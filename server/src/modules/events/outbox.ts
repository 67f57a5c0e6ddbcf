/**
 * Writing events and timers — always inside the caller's transaction, so they exist exactly when the change
 * they describe does (a rolled-back change publishes nothing).
 */
import type { Db } from '../../app-context.js';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Numbered } from '../../shared/row-set.js';
import { bringTimersForward, cancelTimer, eventsWithJobsSql, insertEventWithJobs, upsertTimer, upsertTimersSql } from './events.repo.js';
import type { HandlerRegistry } from './registry.js';

export interface PublishInput {
  name: string;
  jurisdictionId: string | null;
  payload: Record<string, unknown>;
}

export interface ScheduleInput {
  handler: string;
  runAt: Date;
  /** With a key, an existing live timer of the same handler and key is replaced. */
  key?: string;
  jurisdictionId: string | null;
  payload: Record<string, unknown>;
  /** Attempts before the timer is marked failed (default 10). */
  maxAttempts?: number;
}

export class Outbox {
  readonly #listeners = new Set<() => void>();

  constructor(private readonly registry: HandlerRegistry) {}

  /**
   * Called (synchronously, before the caller's transaction commits) whenever work is written, so a local
   * worker can look for it soon instead of at its next poll. Returns the unsubscribe function.
   */
  onWrite(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Records the event and one job per subscriber that acts on it (see SubscribeOptions.when). Returns the event id. */
  async publish(tx: Db, event: PublishInput): Promise<number> {
    if (!tx.isTransaction) throw new Error('publish must run inside the transaction of the change');
    const handlers = this.registry.subscribersFor(event.name, event.payload);
    const id = await insertEventWithJobs(tx, event, handlers);
    if (handlers.length > 0) this.#notify();
    return id;
  }

  /**
   * `publish` for many events in one statement of the caller's own: its WITH parts (see eventsWithJobsSql), each
   * event written only if `onlyIf` holds for its row `r`. Call `wake()` once the statement has run.
   */
  publishManySql(events: ReadonlyArray<Numbered<{ event: PublishInput }>>, name: string, onlyIf: RawBuilder<SqlBool>): RawBuilder<unknown> {
    return eventsWithJobsSql(events.map(({ i, event }) => ({ i, event, handlers: this.registry.subscribersFor(event.name, event.payload) })), name, onlyIf);
  }

  /** `schedule` for many timers in one statement of the caller's own (see upsertTimersSql); then `wake()`. */
  scheduleManySql(timers: ReadonlyArray<Numbered<{ timer: ScheduleInput }>>, onlyIf: RawBuilder<SqlBool>): RawBuilder<unknown> {
    for (const { timer } of timers) this.#checkTimer(timer);
    return upsertTimersSql(timers.map(({ i, timer }) => ({ i, timer: { ...timer, key: timer.key ?? null } })), onlyIf);
  }

  /** Tells the local worker that a statement built with publishManySql / scheduleManySql wrote work. */
  wake(): void {
    this.#notify();
  }

  #checkTimer(timer: ScheduleInput): void {
    if (!this.registry.hasTimer(timer.handler)) throw new Error(`No timer handler named ${timer.handler}`);
    if (timer.maxAttempts !== undefined && !(Number.isInteger(timer.maxAttempts) && timer.maxAttempts >= 1)) {
      throw new Error('maxAttempts must be a positive integer');
    }
  }

  /**
   * Schedules `handler` to run at `runAt`. With a `key`, an existing pending timer of the same handler and key
   * is replaced (e.g. an SLA deadline that moved); returns the job id.
   */
  async schedule(tx: Db, timer: ScheduleInput): Promise<number> {
    if (!tx.isTransaction) throw new Error('schedule must run inside the transaction of the change');
    this.#checkTimer(timer);
    const id = await upsertTimer(tx, {
      handler: timer.handler,
      runAt: timer.runAt,
      key: timer.key ?? null,
      jurisdictionId: timer.jurisdictionId,
      payload: timer.payload,
      ...(timer.maxAttempts !== undefined ? { maxAttempts: timer.maxAttempts } : {}),
    });
    this.#notify();
    return id;
  }

  /**
   * Makes every pending timer of `handler` in the jurisdiction due at `runAt` at the latest (now, say), so that each
   * decides again soon with what it then finds — for a rule that changed so that some may be due earlier than they
   * were armed for (their handler re-arms the ones not due yet). Returns how many moved.
   */
  async bringForward(tx: Db, timer: { handler: string; jurisdictionId: string; runAt: Date }): Promise<number> {
    if (!tx.isTransaction) throw new Error('bringForward must run inside the transaction of the change');
    if (!this.registry.hasTimer(timer.handler)) throw new Error(`No timer handler named ${timer.handler}`);
    const moved = await bringTimersForward(tx, timer.handler, timer.jurisdictionId, timer.runAt);
    if (moved > 0) this.#notify();
    return moved;
  }

  /** Cancels a timer that has not started yet; returns whether there was one. */
  async cancel(tx: Db, handler: string, key: string): Promise<boolean> {
    return cancelTimer(tx, handler, key);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
