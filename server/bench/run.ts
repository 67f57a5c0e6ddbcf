/**
 * `npm run bench -- NAME`: runs one named benchmark on a fresh database (embedded PGlite from a migrated
 * snapshot, or PostgreSQL via BENCH_DATABASE_URL — a database this run may fill; benchmarks about PostgreSQL
 * (POSTGRES_BY_DEFAULT) default to a throwaway database on BENCH_POSTGRES_SERVER, dropped at the end, and run on
 * PGlite with BENCH_STORAGE=pglite), writes
 * bench/results/NAME.json with the figures, the baseline measured in the same run, peak RSS and the machine,
 * and prints a table. Benchmarks never assert timings; they report.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite, openPostgres, type Storage } from '../src/db/storage.js';
import { createLogger } from '../src/logger.js';
import { createPostgresDatabase } from '../test/db.js';
import { ensurePgliteTemplate } from '../test/template.js';
import { auditChainBench } from './audit-chain.js';
import { classifyBench } from './classify.js';
import { evaluationBench } from './evaluation.js';
import { gridBench } from './grid.js';
import { scopedRead } from './scoped-read.js';
import { open311Bench } from './open311.js';
import { workOrdersBench } from './work-orders.js';

const BENCHMARKS = { 'scoped-read': scopedRead, evaluation: evaluationBench, grid: gridBench, classify: classifyBench, 'work-orders': workOrdersBench, open311: open311Bench, 'audit-chain': auditChainBench } as const;
type Name = keyof typeof BENCHMARKS;
const POSTGRES_BY_DEFAULT: ReadonlySet<string> = new Set(['work-orders', 'open311', 'audit-chain']);

const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results');

async function openBenchStorage(name: string): Promise<Storage> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const storage = await openPostgres(url);
    await migrate(storage.db);
    return storage;
  }
  if (POSTGRES_BY_DEFAULT.has(name) && process.env.BENCH_STORAGE !== 'pglite') {
    const server = process.env.BENCH_POSTGRES_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const storage = await createPostgresDatabase(server, { prefix: 'civicgrid_bench', max: 10 });
    await migrate(storage.db);
    return storage;
  }
  return openPglite({ loadDataDir: new Blob([readFileSync(await ensurePgliteTemplate())]) });
}

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || !(name in BENCHMARKS)) {
    process.stderr.write(`usage: npm run bench -- NAME   (one of: ${Object.keys(BENCHMARKS).join(', ')})\n`);
    return 2;
  }
  const storage = await openBenchStorage(name);
  const config = {
    ...loadConfig({ SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789', DATA_DIR: os.tmpdir(), LOG_LEVEL: 'silent' }),
    storageKind: storage.kind,
  };
  const ctx = createContext(config, storage, createLogger(config));
  const started = new Date();
  try {
    const result = await BENCHMARKS[name as Name](ctx);
    const report = {
      name,
      startedAt: started.toISOString(),
      storage: storage.kind,
      ...result,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        totalMemMb: Math.round(os.totalmem() / 1024 / 1024),
        node: process.version,
        // The V8 flags of this run (package.json's bench script gives the server's young-generation size).
        nodeFlags: [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')].filter((f) => f.includes('space-size')),
        platform: `${os.platform()} ${os.release()}`,
      },
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    // A benchmark about PostgreSQL keeps its PGlite figures beside them (NAME-pglite.json).
    const suffix = POSTGRES_BY_DEFAULT.has(name) && storage.kind === 'pglite' ? '-pglite' : '';
    const file = path.join(RESULTS_DIR, `${name}${suffix}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(report.figures as unknown as Record<string, unknown>);
    process.stdout.write(`peak RSS ${report.peakRssMb} MB · ${report.machine.cpus} × ${report.machine.cpuModel} · ${storage.kind} · ${report.machine.nodeFlags.join(' ') || 'default V8 heap'}\n`);
    process.stdout.write(`written ${path.relative(process.cwd(), file)}\n`);
    return 0;
  } finally {
    await storage.close();
  }
}

function printTable(figures: Record<string, unknown>): void {
  const cols = ['requests', 'concurrency', 'perSecond', 'p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'maxMs', 'errors', 'cpuMsPerRequest', 'pgCpuMsPerRequest', 'gcMsPerRequest', 'cpuMsPerEntry', 'pgCpuMsPerEntry'];
  // Load results only (a benchmark prints its other figures itself).
  const rows = Object.entries(figures).filter(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v) && cols.some((c) => c in v)) as Array<[string, Record<string, number>]>;
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(11))).join(' ');
  process.stdout.write(`${line(['', ...cols])}\n`);
  for (const [label, r] of rows) process.stdout.write(`${line([label, ...cols.map((c) => String(r[c] ?? ''))])}\n`);
  for (const [label, v] of Object.entries(figures)) if (typeof v === 'number') process.stdout.write(`${label}: ${v}\n`);
}

process.exitCode = await main();
