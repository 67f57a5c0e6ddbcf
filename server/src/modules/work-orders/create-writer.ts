/**
 * The write of plain creates, and its group commit. A create's rows — its Idempotency-Key claim carrying the answer,
 * the order, its first timeline entry, its deadline timers, its audit entry, its event and the event's jobs — are
 * written by ONE statement whose text does not depend on how many creates it carries (writeCreates: each table's rows
 * are one json parameter, see shared/row-set.ts), so it is a named prepared statement: parsed and planned once per
 * connection, and each table's rows go through one INSERT.
 *
 * Group commit (CreateWriter): a create's write goes at once when no write is in flight (fewer than STREAMS);
 * creates that arrive meanwhile queue, and when a write returns, the queue (up to MAX_BATCH of it) goes as one
 * statement — one round trip, one execution, one commit and one WAL flush for all of them. A lone create never waits
 * for a timer. Each create's rows are written only if its own claim succeeded (or it has no key). Two creates with the
 * same key never share a statement (a statement cannot claim the same key twice): the second waits for the next one,
 * where it finds the first's claim and replays its answer. If a shared statement fails (one create's foreign key,
 * say), nothing of it was written and each of its creates is sent alone, so only the bad one fails, with its own
 * error. A create's promise settles only after its statement has committed.
 */
import { sql } from 'kysely';
import type { AppContext, Db } from '../../app-context.js';
import { PREPARED } from '../../db/storage.js';
import { belongsTo, rowSet } from '../../shared/row-set.js';
import { pendingEntriesSql, type NewEntry } from '../audit/index.js';
import type { PublishInput, ScheduleInput } from '../events/index.js';
import { claimsSql, type NewClaim } from './idempotency.repo.js';
import { firstEntriesSql, newOrdersSql, type NewOrderEntry, type NewWorkOrder, type WorkOrderRow } from './work-orders.repo.js';

/** Everything a create writes (built before the write, so that nothing needs to be read back). */
export interface NewCreate {
  /** The Idempotency-Key's claim with the answer (null: no key, the rest is written unconditionally). */
  claim: NewClaim | null;
  row: WorkOrderRow;
  more: Pick<NewWorkOrder, 'reporterPhoneHmac' | 'searchText'>;
  entry: NewOrderEntry;
  timers: ScheduleInput[];
  audit: NewEntry;
  event: PublishInput;
}

/**
 * Writes creates in one statement (atomic: all of it or, on an error, nothing). Returns for each whether its rows
 * were written: false when its key was claimed first by an earlier or concurrent request (whose commit the claim
 * waited for). Its text is the same for any number and mix of creates.
 */
export async function writeCreates(ctx: Pick<AppContext, 'outbox'> & { db: Db }, creates: readonly NewCreate[]): Promise<boolean[]> {
  const numbered = creates.map((c, i) => ({ i, c }));
  const only = belongsTo('ok');
  const keys = numbered.map(({ i, c }) => ({ i, scope: c.claim?.scope ?? null, key: c.claim?.key ?? null }));
  const { rows } = await sql<{ written: number[] }>`${sql.raw(PREPARED)}
    WITH claim AS (${claimsSql(creates.flatMap((c) => (c.claim ? [c.claim] : [])))}),
    ok AS MATERIALIZED (
      SELECT k.i FROM ${rowSet(keys, 'i int, scope text, key text', 'k')}
       WHERE k.key IS NULL OR (k.scope, k.key) IN (SELECT scope, key FROM claim)),
    o AS (${newOrdersSql(numbered.map(({ i, c }) => ({ i, row: c.row, more: c.more })), only)}),
    t AS (${firstEntriesSql(numbered.map(({ i, c }) => ({ i, jurisdictionId: c.row.jurisdiction_id, workOrderId: c.row.id, entry: c.entry })), only)}),
    s AS (${ctx.outbox.scheduleManySql(numbered.flatMap(({ i, c }) => c.timers.map((timer) => ({ i, timer }))), only)}),
    a AS (${pendingEntriesSql(numbered.map(({ i, c }) => ({ i, entry: c.audit })), only)}),
    ${ctx.outbox.publishManySql(numbered.map(({ i, c }) => ({ i, event: c.event })), 'ev', only)}
    SELECT coalesce(array_agg(i), '{}') AS written FROM ok`.execute(ctx.db);
  ctx.outbox.wake();
  const written = new Set(rows[0]!.written);
  return creates.map((_, i) => written.has(i));
}

/**
 * Writes in flight at once. One: the next statement then takes everything that arrived meanwhile (on the bench, 1
 * stream gave 6.8 creates per statement and 2 streams 3.1, at the same rate; PGlite runs statements one at a time).
 */
const STREAMS = 1;
/** Creates in one statement at most (the rows it locks and the time the first of them waits grow with it). */
const MAX_BATCH = 64;

interface Pending {
  create: NewCreate;
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

  constructor(private readonly ctx: Pick<AppContext, 'outbox'> & { db: Db }) {}

  /** Writes the create, alone or with others; resolves to whether its rows were written (see writeCreates). */
  write(create: NewCreate): Promise<boolean> {
    const key = create.claim ? `${create.claim.scope}\n${create.claim.key}` : null;
    return new Promise((resolve, reject) => {
      this.#queue.push({ create, key, resolve, reject });
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
      const written = await writeCreates(this.ctx, group.map((p) => p.create));
      group.forEach((p, i) => p.resolve(written[i]!));
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // Nothing of the shared statement was written: each create alone, so that only a bad one fails.
      this.stats.split++;
      for (const p of group) {
        await writeCreates(this.ctx, [p.create]).then(([written]) => p.resolve(written!), p.reject);
      }
    }
  }
}

const writers = new WeakMap<Db, CreateWriter>();

/** The writer of this database handle (one per process and database, so that all its creates can share). */
export function createWriter(ctx: Pick<AppContext, 'outbox'> & { db: Db }): CreateWriter {
  let w = writers.get(ctx.db);
  if (!w) writers.set(ctx.db, (w = new CreateWriter({ db: ctx.db, outbox: ctx.outbox })));
  return w;
}
