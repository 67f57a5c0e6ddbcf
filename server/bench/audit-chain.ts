/**
 * audit-chain: what linking audit entries into the hash chain costs per entry, in process CPU (process.cpuUsage)
 * and — on PostgreSQL — the database backends' CPU (/proc/<pid>/stat), not wall-clock (the machine is shared).
 * Entries are inserted unchained the way writers do (pendingEntriesSql, as the work-order create writes them, with a
 * create's details), then chained in batches of BENCH_AUDIT_BATCH (100: what the live chainer finds every 200 ms
 * at 450 creates/s). The current chainer and `legacyChainBatch` (the chainer as it was before the fixed-text
 * statements and the faster encoding, kept here as the baseline) take turns on rounds of ROUND entries, so both see the same table size and
 * the same machine load; only the chaining is timed. The chain must verify at the end.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../src/app-context.js';
import type { Database } from '../src/db/schema.js';
import { GENESIS, chainBatch, pendingEntriesSql, verifyAuditLog, type NewEntry } from '../src/modules/audit/index.js';

const ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? 20_000);
const BATCH = Number(process.env.BENCH_AUDIT_BATCH ?? 100);
const ROUND = 2_000;

interface ChainCost {
  entries: number;
  batches: number;
  cpuMsPerEntry: number;
  pgCpuMsPerEntry: number | null;
  wallMsPerEntry: number;
}

export interface AuditChainBenchResult {
  figures: { current: ChainCost; legacy: ChainCost; batch: number; cpuRatio: number; pgCpuRatio: number | null; verified: boolean };
  notes: string[];
}

const entry = (i: number): NewEntry => ({
  at: new Date(),
  jurisdictionId: 'bench-audit.example',
  actorKind: 'user',
  actorId: `0000000${i % 10}-0000-4000-8000-000000000000`,
  actorName: 'Bench agent',
  action: 'work_order.create',
  objectType: 'work_order',
  objectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  ip: '127.0.0.1',
  requestId: `req-${i}`,
  purpose: null,
  details: { code: `WO${String(i).padStart(14, '0')}`, channel: 'hotline', requestType: 'complaint', urgency: 'normal', anonymous: false, gridCode: '', districtCode: '510104' },
});

async function insertPending(db: Kysely<Database>, from: number, count: number): Promise<void> {
  for (let k = 0; k < count; k += 500) {
    const rows = Array.from({ length: Math.min(500, count - k) }, (_, j) => ({ i: j, entry: entry(from + k + j) }));
    await pendingEntriesSql(rows, sql`TRUE`).execute(db);
  }
}

/** canonicalJson as it was (map, filter, sort with a comparator, join): the same output, the baseline's cost. */
function legacyCanonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(legacyCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacyCanonicalJson(v)}`).join(',')}}`;
}

/** The chainer before fixed-text statements: the baseline (all columns listed, a VALUES list, five statements). */
async function legacyChainBatch(db: Kysely<Database>, limit: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const { rows: lock } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${7243003}) AS locked`.execute(tx);
    if (!lock[0]!.locked) return 0;
    const pending = await tx.selectFrom('audit_log').selectAll().where('seq', 'is', null).orderBy('id').limit(limit).execute();
    if (pending.length === 0) return 0;
    const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS;
    const chained = pending.map((r) => {
      seq++;
      const encoded = legacyCanonicalJson({
        seq, at: r.at.toISOString(), jurisdictionId: r.jurisdiction_id, actorKind: r.actor_kind, actorId: r.actor_id, actorName: r.actor_name, action: r.action,
        objectType: r.object_type, objectId: r.object_id, ip: r.ip, requestId: r.request_id, purpose: r.purpose, details: r.details, prevHash,
      });
      const hash = createHash('sha256').update(encoded).digest('hex');
      const link = { id: r.id, seq, prevHash, hash };
      prevHash = hash;
      return link;
    });
    const values = sql.join(chained.map((e) => sql`(${e.id}::bigint, ${e.seq}::bigint, ${e.prevHash}, ${e.hash})`));
    await sql`UPDATE audit_log a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
                FROM (VALUES ${values}) AS v(id, seq, prev_hash, hash)
               WHERE a.id = v.id AND a.seq IS NULL`.execute(tx);
    const last = chained[chained.length - 1]!;
    await tx.insertInto('audit_head').values({ id: 1, seq: last.seq, hash: last.hash })
      .onConflict((oc) => oc.column('id').doUpdateSet({ seq: last.seq, hash: last.hash })).execute();
    return chained.length;
  });
}

/** CPU ticks (1/100 s) of this database's backends so far, by pid; null on PGlite (it runs in this process). */
async function backendTicks(ctx: AppContext): Promise<Map<number, number> | null> {
  if (ctx.storage.kind !== 'postgres') return null;
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(ctx.db);
  return new Map(
    rows.map(({ pid }) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return [pid, Number(fields[11]) + Number(fields[12])]; // utime, stime
      } catch {
        return [pid, 0];
      }
    }),
  );
}

class Meter {
  entries = 0;
  batches = 0;
  cpuMicros = 0;
  pgTicks = 0;
  wallMs = 0;

  async measure(ctx: AppContext, chain: () => Promise<number>): Promise<void> {
    const ticks0 = await backendTicks(ctx);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (;;) {
      const n = await chain();
      if (n === 0) break;
      this.entries += n;
      this.batches++;
    }
    this.wallMs += performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    this.cpuMicros += cpu.user + cpu.system;
    const ticks1 = await backendTicks(ctx);
    if (ticks0 && ticks1) for (const [pid, t] of ticks1) this.pgTicks += t - (ticks0.get(pid) ?? t);
  }

  result(pg: boolean): ChainCost {
    const per = (x: number) => Math.round((x / Math.max(1, this.entries)) * 10_000) / 10_000;
    return { entries: this.entries, batches: this.batches, cpuMsPerEntry: per(this.cpuMicros / 1000), pgCpuMsPerEntry: pg ? per(this.pgTicks * 10) : null, wallMsPerEntry: per(this.wallMs) };
  }
}

export async function auditChainBench(ctx: AppContext): Promise<AuditChainBenchResult> {
  const { db } = ctx;
  const pg = ctx.storage.kind === 'postgres';
  const current = new Meter();
  const legacy = new Meter();
  // Warm-up (prepared statements, JIT) outside the figures.
  let next = 0;
  for (const chain of [() => chainBatch(db, BATCH), () => legacyChainBatch(db, BATCH)]) {
    await insertPending(db, next, 500);
    next += 500;
    while ((await chain()) > 0) { /* drain */ }
  }
  for (let round = 0; next < ENTRIES + 1000; round++) {
    const count = Math.min(ROUND, ENTRIES + 1000 - next);
    await insertPending(db, next, count);
    next += count;
    if (round % 2 === 0) await current.measure(ctx, () => chainBatch(db, BATCH));
    else await legacy.measure(ctx, () => legacyChainBatch(db, BATCH));
  }
  const verification = await verifyAuditLog(db);
  if (!verification.ok) throw new Error(`the chain does not verify: ${JSON.stringify(verification)}`);
  const c = current.result(pg);
  const l = legacy.result(pg);
  return {
    figures: {
      current: c,
      legacy: l,
      batch: BATCH,
      cpuRatio: Math.round((c.cpuMsPerEntry / l.cpuMsPerEntry) * 1000) / 1000,
      pgCpuRatio: c.pgCpuMsPerEntry !== null && l.pgCpuMsPerEntry ? Math.round((c.pgCpuMsPerEntry / l.pgCpuMsPerEntry) * 1000) / 1000 : null,
      verified: verification.ok,
    },
    notes: [
      `${ENTRIES} entries chained in batches of ${BATCH}, alternating rounds of ${ROUND} between the current chainer and the legacy one (same table, same load)`,
      'cpuMsPerEntry: this process (Kysely, pg driver, hashing); pgCpuMsPerEntry: the database backends (PostgreSQL only)',
    ],
  };
}
