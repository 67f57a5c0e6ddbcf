/**
 * Writing events and timers — always inside the caller's transaction, so they exist exactly when the change
 * they describe does (a rolled-back change publishes nothing).
 */
import type { Db } from '../../app-context.js';
import type { HandlerRegistry } from './registry.js';

export interface PublishInput {
  name: string;
  jurisdictionId: string | null;
  payload: Record<string, unknown>;
}

export class Outbox {
  constructor(private readonly registry: HandlerRegistry) {}

  /** Records the event and one job per subscriber. Returns the event id. */
  async publish(tx: Db, event: PublishInput): Promise<number> {
    if (!tx.isTransaction) throw new Error('publish must run inside the transaction of the change');
    const row = await tx
      .insertInto('events')
      .values({ name: event.name, jurisdiction_id: event.jurisdictionId, payload: JSON.stringify(event.payload) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const handlers = this.registry.subscribersOf(event.name);
    if (handlers.length > 0) {
      await tx
        .insertInto('jobs')
        .values(
          handlers.map((handler) => ({
            kind: 'event' as const,
            handler,
            event_id: row.id,
            jurisdiction_id: event.jurisdictionId,
            payload: '{}',
          })),
        )
        .execute();
    }
    return row.id;
  }

  /**
   * Schedules `handler` to run at `runAt`. With a `key`, an existing pending timer of the same handler and key
   * is replaced (e.g. an SLA deadline that moved); returns the job id.
   */
  async schedule(
    tx: Db,
    timer: { handler: string; runAt: Date; key?: string; jurisdictionId: string | null; payload: Record<string, unknown> },
  ): Promise<number> {
    if (!tx.isTransaction) throw new Error('schedule must run inside the transaction of the change');
    if (!this.registry.hasTimer(timer.handler)) throw new Error(`No timer handler named ${timer.handler}`);
    if (timer.key) await this.cancel(tx, timer.handler, timer.key);
    const row = await tx
      .insertInto('jobs')
      .values({
        kind: 'timer',
        handler: timer.handler,
        dedupe_key: timer.key ?? null,
        run_at: timer.runAt,
        jurisdiction_id: timer.jurisdictionId,
        payload: JSON.stringify(timer.payload),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Cancels a pending timer; returns whether there was one. */
  async cancel(tx: Db, handler: string, key: string): Promise<boolean> {
    const result = await tx
      .updateTable('jobs')
      .set({ status: 'cancelled', finished_at: new Date() })
      .where('handler', '=', handler)
      .where('dedupe_key', '=', key)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
