/**
 * Writing events and timers — always inside the caller's transaction, so they exist exactly when the change
 * they describe does (a rolled-back change publishes nothing).
 */
import type { Db } from '../../app-context.js';
import type { WriteBatch } from '../../shared/write-batch.js';
import { cancelTimer, eventWithJobsSql, insertEventWithJobs, upsertTimer, upsertTimerSql } from './events.repo.js';
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

  /** Records the event and one job per subscriber. Returns the event id. */
  async publish(tx: Db, event: PublishInput): Promise<number> {
    if (!tx.isTransaction) throw new Error('publish must run inside the transaction of the change');
    const handlers = this.registry.subscribersOf(event.name);
    const id = await insertEventWithJobs(tx, event, handlers);
    if (handlers.length > 0) this.#notify();
    return id;
  }

  /** `publish`, as parts of the caller's write batch (executed in the caller's transaction). */
  publishIn(batch: WriteBatch, event: PublishInput): void {
    const handlers = this.registry.subscribersOf(event.name);
    const name = batch.name('event');
    const parts = eventWithJobsSql(event, handlers, name, batch.onlyIf);
    batch.add(parts.event, name).add(parts.jobs);
    if (handlers.length > 0) batch.afterExecute(() => this.#notify());
  }

  /** `schedule`, as a part of the caller's write batch. */
  scheduleIn(batch: WriteBatch, timer: ScheduleInput): void {
    this.#checkTimer(timer);
    batch.add(upsertTimerSql({ ...timer, key: timer.key ?? null }, batch.onlyIf)).afterExecute(() => this.#notify());
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

  /** Cancels a timer that has not started yet; returns whether there was one. */
  async cancel(tx: Db, handler: string, key: string): Promise<boolean> {
    return cancelTimer(tx, handler, key);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
