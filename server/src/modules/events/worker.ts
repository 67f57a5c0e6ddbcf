/**
 * The background worker: takes due jobs (event deliveries and timers) from the jobs table and runs their
 * handlers. Each job runs in one transaction that locks the job row, runs the handler with that transaction
 * and marks the job done, so a handler's effects and the job's completion commit together — if the process
 * dies halfway, neither happened and the job is run again once its lease expires (at least once; handlers
 * are idempotent). Failures are retried with exponential backoff and end as 'failed' with the last error.
 *
 * On PGlite the single connection is leased per transaction: a handler must use `job.tx` only — opening a
 * second transaction or querying `ctx.db` from inside a handler would wait for itself forever.
 *
 * Detached timers (HandlerRegistry.onDetachedTimer) are the exception, for handlers that call other servers: the
 * job is reserved by a renewed lease instead of a row lock, the handler runs with `db` and its own short
 * transactions, and the job is marked done afterwards only if this worker still holds it.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../../app-context.js';
import { failureRun, type FailureRun } from '../../shared/failure-run.js';
import { DEFAULT_BACKOFF, pollDelayAfterFailures, retryDelayMs, type BackoffPolicy } from './backoff.js';
import {
  claimDue,
  deleteFinished,
  failAbandoned,
  findEvent,
  lockOwnedJob,
  markAttemptFailed,
  markDone,
  markDoneIfOwned,
  releaseOrphans,
  renewLease,
  type ClaimedJob,
} from './events.repo.js';
import type { Outbox } from './outbox.js';
import type { DetachedJobContext, HandlerEntry, HandlerRegistry, JobContext } from './registry.js';

export interface WorkerOptions {
  db: Db;
  handlers: HandlerRegistry;
  log: Logger;
  /** When given, the worker looks for work right after this process writes some (not only on its poll). */
  outbox?: Outbox;
  /** Stored as jobs.locked_by; unique per worker instance. */
  id?: string;
  /** Jobs run at the same time by this worker (PGlite runs one transaction at a time anyway). */
  concurrency?: number;
  /** At most this many jobs claimed by one query. */
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a claimed job stays reserved for this worker before another may take it (worker died). */
  leaseMs?: number;
  backoff?: BackoffPolicy;
  /**
   * This worker is the only one on its database (PGlite: one process per data directory), so a job still
   * marked running when it starts was left by a process that died; it is released at once instead of
   * after its lease.
   */
  exclusive?: boolean;
  /**
   * Delete done/cancelled jobs (and events no job needs) older than keepDays and run the registered retention
   * sweeps, at start and then every intervalMs; false to disable.
   */
  housekeeping?: { keepDays: number; intervalMs: number } | false;
}

export interface DrainResult {
  /** True when no due job was left (nothing claimable and nothing running). */
  complete: boolean;
  ran: number;
}

type Outcome = 'done' | 'failed' | 'lost' | 'superseded';

/** Short follow-up looks after a local write, which is seen before its transaction commits. */
const NUDGE_DELAYS_MS = [20, 100, 400, 1_000];
const MAX_ERROR_LENGTH = 4_000;
/** Rows each housekeeping step deletes at most per run (the rest wait for the next run). */
const HOUSEKEEPING_LIMIT = 10_000;

export class JobWorker {
  readonly id: string;
  readonly #db: Db;
  readonly #handlers: HandlerRegistry;
  readonly #log: Logger;
  readonly #claimFailures: FailureRun;
  readonly #outbox: Outbox | undefined;
  readonly #concurrency: number;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #housekeeping: { keepDays: number; intervalMs: number } | false;
  #orphansPending: boolean;

  readonly #inflight = new Map<number, Promise<Outcome>>();
  #claimChain: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #running = false;
  #wake: (() => void) | undefined;
  #nudges = 0;
  #lastHousekeeping = 0;
  #unsubscribe: (() => void) | undefined;
  #ran = 0;

  constructor(options: WorkerOptions) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#db = options.db;
    this.#handlers = options.handlers;
    this.#log = options.log.child({ worker: this.id });
    this.#claimFailures = failureRun(this.#log, 'job worker (claiming jobs)');
    this.#outbox = options.outbox;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#batchSize = Math.max(1, options.batchSize ?? 20);
    this.#pollIntervalMs = Math.max(10, options.pollIntervalMs ?? 1_000);
    // The lease only has to cover claim → row lock (the running job's row stays locked, so others skip it);
    // it decides how soon a job of a worker that died is taken over.
    this.#leaseMs = Math.max(1_000, options.leaseMs ?? 30_000);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#housekeeping = options.housekeeping ?? { keepDays: 7, intervalMs: 60 * 60_000 };
    this.#orphansPending = options.exclusive ?? false;
  }

  /** Jobs this worker finished (done or failed attempt) since it was created. */
  get ran(): number {
    return this.#ran;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#outbox?.onWrite(() => this.#nudge());
    this.#loop = this.#runLoop();
  }

  /** Stops polling and waits for the jobs in flight to finish (their handlers are not interrupted). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    await this.#claimChain;
    await Promise.allSettled([...this.#inflight.values()]);
  }

  /**
   * Runs due jobs until none is left or `timeoutMs` has passed (graceful shutdown, tests, the CLI). Works
   * whether or not the polling loop was started.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    const before = this.#ran;
    while (Date.now() < deadline) {
      const free = this.#concurrency - this.#inflight.size;
      const claimed = free > 0 ? await this.#claimAndLaunch(free) : 0;
      if (claimed === 0 && this.#inflight.size === 0) return { complete: true, ran: this.#ran - before };
      if (claimed === 0 || this.#inflight.size >= this.#concurrency) {
        await Promise.race([...this.#inflight.values(), sleep(Math.max(0, deadline - Date.now()))]);
      }
    }
    return { complete: false, ran: this.#ran - before };
  }

  #nudge(): void {
    this.#nudges = NUDGE_DELAYS_MS.length;
    this.#wake?.();
  }

  async #runLoop(): Promise<void> {
    let failures = 0;
    let unreachable = false;
    while (this.#running) {
      let claimed = 0;
      try {
        await this.#maybeHousekeep();
        const free = this.#concurrency - this.#inflight.size;
        if (free > 0) claimed = await this.#claimAndLaunch(free);
        failures = 0;
        this.#claimFailures.succeeded();
      } catch (err) {
        failures++;
        unreachable = this.#claimFailures.failed(err);
      }
      if (!this.#running) break;
      if (failures > 0) {
        await this.#idle(pollDelayAfterFailures(failures, this.#pollIntervalMs, unreachable));
      } else if (this.#inflight.size >= this.#concurrency) {
        await this.#idle(this.#pollIntervalMs);
      } else if (claimed === 0) {
        if (this.#nudges > 0) {
          const delay = NUDGE_DELAYS_MS[NUDGE_DELAYS_MS.length - this.#nudges]!;
          this.#nudges--;
          await this.#idle(delay);
        } else {
          await this.#idle(this.#pollIntervalMs);
        }
      }
      // Claimed some and has free slots: more may be due, look again at once.
    }
  }

  /** Sleeps up to `ms`, or less when woken (a local write, a finished job, stop). */
  async #idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = undefined;
  }

  async #maybeHousekeep(): Promise<void> {
    if (!this.#housekeeping) return;
    const now = Date.now();
    if (now - this.#lastHousekeeping < this.#housekeeping.intervalMs) return;
    this.#lastHousekeeping = now;
    const removed = await deleteFinished(this.#db, this.#housekeeping.keepDays, HOUSEKEEPING_LIMIT);
    if (removed.jobs > 0 || removed.events > 0) this.#log.info(removed, 'deleted finished jobs and old events');
    for (const [name, sweep] of this.#handlers.sweeps()) {
      // One sweep failing leaves the others to run; it is tried again at the next housekeeping.
      try {
        const deleted = await sweep(this.#db, new Date(), HOUSEKEEPING_LIMIT);
        if (deleted > 0) this.#log.info({ sweep: name, deleted }, 'deleted rows past their retention');
      } catch (err) {
        this.#log.warn({ err, sweep: name }, 'retention sweep failed; next housekeeping tries again');
      }
    }
  }

  /** Claims up to `max` jobs and starts them; claims are serialised so the concurrency bound holds. */
  #claimAndLaunch(max: number): Promise<number> {
    const next = this.#claimChain.then(async () => {
      const free = Math.min(max, this.#concurrency - this.#inflight.size, this.#batchSize);
      if (free <= 0) return 0;
      if (this.#orphansPending) {
        const released = await releaseOrphans(this.#db);
        this.#orphansPending = false;
        if (released > 0) this.#log.warn({ released }, 'released jobs left running by a process that stopped');
      }
      const abandoned = await failAbandoned(this.#db);
      if (abandoned > 0) this.#log.warn({ abandoned }, 'failed jobs whose worker stopped on their last attempt');
      const jobs = await claimDue(this.#db, this.id, free, this.#leaseMs);
      let launched = 0;
      for (const job of jobs) {
        if (this.#inflight.has(job.id)) continue;
        const run = this.#execute(job).finally(() => {
          this.#inflight.delete(job.id);
          this.#ran++;
          this.#wake?.();
        });
        this.#inflight.set(job.id, run);
        launched++;
      }
      return launched;
    });
    this.#claimChain = next.catch(() => undefined);
    return next;
  }

  async #execute(job: ClaimedJob): Promise<Outcome> {
    const started = performance.now();
    try {
      const detached = this.#handlers.lookup(job.handler);
      const outcome = detached?.kind === 'detached' ? await this.#runDetached(job, detached) : await this.#db.transaction().execute(async (tx): Promise<Outcome> => {
        if (!(await lockOwnedJob(tx, job.id, this.id))) return 'lost';
        const entry = this.#handlers.lookup(job.handler);
        if (!entry) throw new Error(`No handler is registered as ${job.handler} in this process`);
        if (entry.kind !== job.kind) throw new Error(`Handler ${job.handler} is a ${entry.kind} handler, job is ${job.kind}`);
        const context: JobContext = { tx, jobId: job.id, attempt: job.attempts, jurisdictionId: job.jurisdictionId };
        if (entry.kind === 'event') {
          const event = job.eventId === null ? null : await findEvent(tx, job.eventId);
          if (!event) throw new Error(`Event ${String(job.eventId)} of job ${job.id} does not exist`);
          await entry.fn(event, context);
        } else {
          await entry.fn(job.payload, context);
        }
        await markDone(tx, job.id);
        return 'done';
      });
      if (outcome === 'lost') this.#log.info({ jobId: job.id }, 'job was cancelled or taken over before it ran');
      else if (outcome === 'superseded') this.#log.debug({ jobId: job.id, handler: job.handler }, 'detached job ran; its row was rescheduled, cancelled or taken over meanwhile');
      else this.#log.debug({ jobId: job.id, handler: job.handler, ms: performance.now() - started }, 'job done');
      return outcome;
    } catch (err) {
      const delay = retryDelayMs(job.attempts, job.maxAttempts, this.#backoff);
      const message = describeError(err);
      const logged = { jobId: job.id, handler: job.handler, attempt: job.attempts, err };
      if (delay === null) this.#log.error(logged, 'job failed for good');
      else this.#log.warn({ ...logged, retryInMs: delay }, 'job failed; will retry');
      try {
        await markAttemptFailed(this.#db, job.id, this.id, message, delay);
      } catch (markErr) {
        // The lease still expires, so the job is retried even though this bookkeeping was lost.
        this.#log.error({ jobId: job.id, err: markErr }, 'could not record a failed job attempt');
      }
      return 'failed';
    }
  }

  /** A detached timer: reserve (lease), run without a transaction, then mark done if still ours. */
  async #runDetached(job: ClaimedJob, entry: Extract<HandlerEntry, { kind: 'detached' }>): Promise<Outcome> {
    const leaseMs = Math.max(this.#leaseMs, entry.leaseMs);
    const renew = () => renewLease(this.#db, job.id, this.id, leaseMs);
    if (!(await renew())) return 'lost';
    const context: DetachedJobContext = { db: this.#db, jobId: job.id, attempt: job.attempts, jurisdictionId: job.jurisdictionId, renewLease: renew };
    await entry.fn(job.payload, context);
    return (await markDoneIfOwned(this.#db, job.id, this.id)) ? 'done' : 'superseded';
  }
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** Does not keep the process alive on its own (drain's deadline must not delay exit). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
