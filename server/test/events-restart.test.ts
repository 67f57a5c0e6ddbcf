/**
 * Delivery survives kill -9: a child process commits an event and a timer, starts its worker and is killed
 * (SIGKILL) while the handler is in the middle of its transaction. A second process on the same database
 * then delivers the event and runs the timer at its time, and each effect exists exactly once.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStorageKind } from './db.js';
import { pgliteTemplatePath, postgresTemplateName, withDatabase } from './template.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'fixtures/outbox-child.ts');
let target: string;
let cleanup: () => Promise<void>;

interface ChildLine {
  committed?: number;
  timerAt?: string;
  handlerStarted?: number;
  attempt?: number;
  effects?: Array<{ key: string; pid: number; at: string }>;
  jobs?: Array<{ handler: string; status: string; attempts: number; run_at: string }>;
  events?: Array<{ id: number; payload: Record<string, unknown> }>;
}

/** Starts the child; resolves each line as it arrives; `exit` settles when the process ends. */
function startChild(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    cwd: path.resolve(here, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ChildLine[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as ChildLine);
    waiters.splice(0).forEach((w) => w());
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  async function waitFor(pick: (l: ChildLine) => boolean, timeoutMs = 60_000): Promise<ChildLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(pick);
      if (found) return found;
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`child exited early: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`child timed out: ${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
  return { proc, exit, waitFor, stderr: () => stderr };
}

beforeAll(async () => {
  if (testStorageKind === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'civicgrid-outbox-'));
    target = path.join(dir, 'pgdata');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `civicgrid_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${postgresTemplateName()}"`);
    await admin.end();
    target = withDatabase(url, name);
    cleanup = async () => {
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await again.end();
    };
  }
});

afterAll(async () => {
  await cleanup?.();
});

describe(`delivery after kill -9 (${testStorageKind})`, () => {
  it('a committed event and timer are delivered by the next process, each effect exactly once', async () => {
    const first = startChild(['publish', target, pgliteTemplatePath()]);
    const committed = await first.waitFor((l) => l.committed !== undefined);
    const started = await first.waitFor((l) => l.handlerStarted !== undefined);
    expect(started).toMatchObject({ handlerStarted: committed.committed, attempt: 1 });
    first.proc.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');

    const second = startChild(['run', target]);
    const report = await second.waitFor((l) => l.effects !== undefined);
    expect((await second.exit).code).toBe(0);

    // The rolled-back event was never written; the committed one was delivered once, by the second process.
    expect(report.events!.map((e) => e.payload)).toEqual([{ n: 1 }]);
    const keys = report.effects!.map((e) => e.key);
    expect(keys).toEqual([`event:${committed.committed}`, 'timer:1']);
    expect(report.effects!.every((e) => e.pid === second.proc.pid)).toBe(true);
    const timer = report.effects!.find((e) => e.key === 'timer:1')!;
    expect(new Date(timer.at).getTime()).toBeGreaterThanOrEqual(new Date(committed.timerAt!).getTime());
    // The interrupted delivery counts as an attempt: at least once, and the effect is still single.
    const byHandler = Object.fromEntries(report.jobs!.map((j) => [j.handler, j]));
    expect(byHandler['child.effect']).toMatchObject({ status: 'done', attempts: 2 });
    expect(byHandler['child.deadline']).toMatchObject({ status: 'done', attempts: 1 });
  }, 120_000);
});
