/**
 * Graceful shutdown of a real server process: on SIGTERM it stops accepting, finishes the request in flight,
 * runs the background jobs that are due, closes the database and exits 0, leaving no lock or socket behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/modules/identity/index.js';
import { embeddedDataDir, openPglite } from '../src/db/storage.js';
import { ensurePgliteTemplate } from './template.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/civicgrid.js');
let dir: string;
let server: ChildProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cg-shutdown-'));
  const seed = await openPglite({ dataDir: embeddedDataDir(dir), loadDataDir: new Blob([readFileSync(await ensurePgliteTemplate())]) });
  await sql`INSERT INTO jurisdictions (id, name_zh, name_en, division_code) VALUES ('stop.example', '停机市', 'Stop', '510100')`.execute(seed.db);
  await sql`INSERT INTO users (jurisdiction_id, username, display_name, password_hash)
            VALUES ('stop.example', 'stopper', 'Stopper', ${await hashPassword('stop-password-1')})`.execute(seed.db);
  await seed.close();
});
afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
    await once(server, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGTERM', () => {
  it('finishes the request in flight, then exits 0 and releases the data directory', async () => {
    server = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    server.stdout!.setEncoding('utf8').on('data', (c: string) => (log += c));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 90_000);
      server!.stderr!.setEncoding('utf8').on('data', (c: string) => {
        log += c;
        const m = /listening on (http:\/\/\S+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    expect(existsSync(`${embeddedDataDir(dir)}.lock`)).toBe(true);

    // A sign-in hashes with argon2id (tens of milliseconds): it is in flight when SIGTERM arrives.
    const inFlight = fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'stopper', password: 'stop-password-1' }),
    });
    // Wait until the server has received it (pino logs "incoming request"); one that arrives after SIGTERM
    // is answered 503 instead, by design.
    for (let i = 0; i < 500 && !log.includes('/api/v1/auth/login'); i++) await new Promise((r) => setTimeout(r, 2));
    expect(log).toContain('/api/v1/auth/login');
    server.kill('SIGTERM');
    const response = await Promise.race([
      inFlight,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no response: ${log}`)), 20_000)),
    ]);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { username: string } }).user.username).toBe('stopper');

    const exited = once(server, 'exit') as Promise<[number | null]>;
    const [code] = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not exit: ${log}`)), 20_000)),
    ]);
    expect(code).toBe(0);
    expect(log).toContain('shutting down');
    expect(log).toContain('stopped');
    // The lock and the admin socket are gone: the CLI or a new server can open the database at once.
    expect(existsSync(`${embeddedDataDir(dir)}.lock`)).toBe(false);
    expect(existsSync(path.join(dir, 'admin.sock'))).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    // And the sign-in really committed (its audit entry survived the shutdown).
    const after = await openPglite({ dataDir: embeddedDataDir(dir) });
    try {
      const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'auth.login%' AND actor_name = 'stopper'`.execute(after.db);
      expect(rows.rows[0]!.n).toBeGreaterThanOrEqual(1);
    } finally {
      await after.close();
    }
  });
});
