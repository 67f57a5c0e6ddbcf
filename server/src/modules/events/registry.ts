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

export interface SubscribeOptions {
  /**
   * Which of the event's occurrences this subscriber acts on, from the payload alone (what the publisher knew when
   * it published): the others get no job at all — no row, no claim, no transaction that finds nothing to do. Only
   * a cheap, certain filter: the handler still checks the current state when it runs, as it must anyway.
   */
  when?: (payload: Record<string, unknown>) => boolean;
}
export type TimerHandler = (payload: Record<string, unknown>, job: JobContext) => Promise<void>;

/**
 * What a detached timer handler gets: no transaction, the database itself. It opens its own short transactions
 * around its network calls, so a slow remote never holds a connection (PGlite has one).
 */
export interface DetachedJobContext {
  db: Db;
  jobId: number;
  attempt: number;
  jurisdictionId: string | null;
  /**
   * Extends this job's lease by the handler's leaseMs (call it between long calls). False when the job is no longer
   * this worker's (cancelled, replaced by a reschedule, or taken over after the lease expired): stop and return.
   */
  renewLease: () => Promise<boolean>;
}
export type DetachedTimerHandler = (payload: Record<string, unknown>, job: DetachedJobContext) => Promise<void>;

export interface DetachedOptions {
  /** How long the job stays reserved while the handler runs outside a transaction (renewable). */
  leaseMs: number;
}

/**
 * A retention sweep (保留期清理): deletes rows of its module that are past their retention — at most `limit` per
 * call, so one run never holds long locks — and returns how many it deleted. The worker's housekeeping runs every
 * registered sweep (at start, then hourly); a sweep must re-check its condition on the row it deletes, since a
 * concurrent write may have made the row live again.
 */
export type Sweep = (db: Db, now: Date, limit: number) => Promise<number>;

export type HandlerEntry =
  | { kind: 'event'; fn: EventHandler }
  | { kind: 'timer'; fn: TimerHandler }
  | { kind: 'detached'; fn: DetachedTimerHandler; leaseMs: number };

export class HandlerRegistry {
  readonly #subscribers = new Map<string, Map<string, SubscribeOptions['when'] | null>>();
  readonly #timers = new Set<string>();
  readonly #byName = new Map<string, HandlerEntry>();
  readonly #sweeps = new Map<string, Sweep>();

  /** `handler` is a stable, unique name (it is stored with each job): 'notifications.on-user-created'. */
  subscribe(eventName: string, handler: string, fn: EventHandler, options: SubscribeOptions = {}): void {
    if (this.#byName.has(handler)) throw new Error(`Handler ${handler} is registered twice`);
    let subs = this.#subscribers.get(eventName);
    if (!subs) this.#subscribers.set(eventName, (subs = new Map()));
    subs.set(handler, options.when ?? null);
    this.#byName.set(handler, { kind: 'event', fn });
  }

  onTimer(handler: string, fn: TimerHandler): void {
    if (this.#byName.has(handler)) throw new Error(`Handler ${handler} is registered twice`);
    this.#timers.add(handler);
    this.#byName.set(handler, { kind: 'timer', fn });
  }

  /**
   * A timer whose handler runs outside any transaction (for network I/O). The worker reserves the job (lease), runs
   * the handler with `db`, and marks the job done afterwards in a transaction of its own — so the handler's effects
   * and the completion do NOT commit together: a crash in between runs the handler again (once the lease expires),
   * and its effects must be idempotent by their own state (e.g. "only if still pending", an Idempotency-Key on the
   * remote call). A throw is a failed attempt (retried with backoff) and rolls back nothing the handler committed.
   * A handler that reschedules its own key replaces its running job; the worker then leaves that timer pending.
   */
  onDetachedTimer(handler: string, fn: DetachedTimerHandler, options: DetachedOptions): void {
    if (this.#byName.has(handler)) throw new Error(`Handler ${handler} is registered twice`);
    this.#timers.add(handler);
    this.#byName.set(handler, { kind: 'detached', fn, leaseMs: options.leaseMs });
  }

  /** `name` is stable and unique, like a handler's: 'work_orders.idempotency-keys'. */
  onSweep(name: string, fn: Sweep): void {
    if (this.#sweeps.has(name)) throw new Error(`Sweep ${name} is registered twice`);
    this.#sweeps.set(name, fn);
  }

  hasSweep(name: string): boolean {
    return this.#sweeps.has(name);
  }

  /** The registered sweeps, in registration order. */
  sweeps(): Array<[string, Sweep]> {
    return [...this.#sweeps];
  }

  /** Every subscriber of the event's name (whatever their `when`). */
  subscribersOf(eventName: string): string[] {
    return [...(this.#subscribers.get(eventName)?.keys() ?? [])];
  }

  /** The subscribers that get a job for this occurrence: those without `when`, and those whose `when` holds. */
  subscribersFor(eventName: string, payload: Record<string, unknown>): string[] {
    const subs = this.#subscribers.get(eventName);
    if (!subs) return [];
    const handlers: string[] = [];
    for (const [handler, when] of subs) if (!when || when(payload)) handlers.push(handler);
    return handlers;
  }

  hasTimer(handler: string): boolean {
    return this.#timers.has(handler);
  }

  lookup(handler: string): HandlerEntry | undefined {
    return this.#byName.get(handler);
  }
}
