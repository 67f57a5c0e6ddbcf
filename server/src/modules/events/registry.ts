/**
 * Who handles what. Modules register event subscribers and timer handlers at start-up, before any event is
 * published (publishing fans an event out to the subscribers registered at that moment, in the same
 * transaction). Handlers must be idempotent: delivery is at least once.
 */
import type { Db } from '../../app-context.js';

export interface JobContext {
  /** A transaction the handler may use; the job is marked done in it, so effects and completion commit together. */
  tx: Db;
  jobId: number;
  attempt: number;
  jurisdictionId: string | null;
}

export interface DomainEvent<P = Record<string, unknown>> {
  id: number;
  name: string;
  jurisdictionId: string | null;
  payload: P;
  createdAt: Date;
}

export type EventHandler = (event: DomainEvent, job: JobContext) => Promise<void>;
export type TimerHandler = (payload: Record<string, unknown>, job: JobContext) => Promise<void>;

export class HandlerRegistry {
  readonly #subscribers = new Map<string, Map<string, EventHandler>>();
  readonly #timers = new Map<string, TimerHandler>();
  readonly #byName = new Map<string, { kind: 'event'; fn: EventHandler } | { kind: 'timer'; fn: TimerHandler }>();

  /** `handler` is a stable, unique name (it is stored with each job): 'notifications.on-user-created'. */
  subscribe(eventName: string, handler: string, fn: EventHandler): void {
    if (this.#byName.has(handler)) throw new Error(`Handler ${handler} is registered twice`);
    let subs = this.#subscribers.get(eventName);
    if (!subs) this.#subscribers.set(eventName, (subs = new Map()));
    subs.set(handler, fn);
    this.#byName.set(handler, { kind: 'event', fn });
  }

  onTimer(handler: string, fn: TimerHandler): void {
    if (this.#byName.has(handler)) throw new Error(`Handler ${handler} is registered twice`);
    this.#timers.set(handler, fn);
    this.#byName.set(handler, { kind: 'timer', fn });
  }

  subscribersOf(eventName: string): string[] {
    return [...(this.#subscribers.get(eventName)?.keys() ?? [])];
  }

  hasTimer(handler: string): boolean {
    return this.#timers.has(handler);
  }

  lookup(handler: string) {
    return this.#byName.get(handler);
  }
}
