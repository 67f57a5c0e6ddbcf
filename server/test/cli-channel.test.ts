/**
 * The CLI reaches a running server's embedded database through the admin channel, and runs locally when no
 * server holds it. These tests start a real server on a PGlite data directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app-context.js';
import { dispatch } from '../src/cli/dispatch.js';
import { embeddedDataDir, openPglite } from '../src/db/storage.js';
import { adminSocketPath, callAdminChannel, MAX_REQUEST_BYTES, startAdminChannel } from '../src/ops/admin-channel.js';
import { defineCommand } from '../src/ops/command.js';
import { COMMANDS } from '../src/ops/commands.js';
import { sql } from 'kysely';
import pino from 'pino';
import { testConfig } from './app.js';
import { ensurePgliteTemplate } from './template.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/civicgrid.js');

let dir: string;
let server: ChildProcess | undefined;
let config: ReturnType<typeof testConfig>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'civicgrid-cli-'));
  // Start from the migrated snapshot instead of creating PostGIS from scratch (~10 s).
  const seed = await openPglite({
    dataDir: embeddedDataDir(dir),
    loadDataDir: new Blob([readFileSync(await ensurePgliteTemplate())]),
  });
  await sql`INSERT INTO jurisdictions (id, name_zh, name_en, division_code)
            VALUES ('test.example', '测试市', 'Test', '510100')`.execute(seed.db);
  await seed.close();
  config = testConfig({ dataDir: dir, databaseUrl: undefined, storageKind: 'pglite', port: 0, workerEnabled: false });
  // The server must be another process: the data-directory lock is per process.
  server = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', WORKER: 'off', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 90_000);
    server!.stderr!.setEncoding('utf8').on('data', (c: string) => {
      log += c;
      if (log.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${log}`)));
  });
});
afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('admin channel with a running server', () => {
  it('listens on a socket only the owner may use', () => {
    const socket = adminSocketPath(dir);
    expect(socket).toBe(path.join(dir, 'admin.sock'));
    const st = statSync(socket);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('runs commands inside the server when the database is busy', async () => {
    const migrate = await dispatch(config, COMMANDS, 'migrate', {}, 'en');
    expect(migrate).toMatchObject({ via: 'server', exitCode: 0, stdout: '' });
    expect(migrate.stderr).toContain('up to date');

    const file = path.join(dir, 'through-server.backup.gz');
    const backup = await dispatch(config, COMMANDS, 'backup', { file }, 'en');
    expect(backup).toMatchObject({ via: 'server', exitCode: 0 });
    const header = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8').split('\n')[0]!);
    expect(header).toMatchObject({ format: 'civicgrid-backup', storage: 'pglite' });
  });

  it('creates users and API keys and verifies the audit chain through the server', async () => {
    const created = await dispatch(
      config,
      COMMANDS,
      'user create',
      { jurisdiction: 'test.example', username: 'ops-admin', displayName: '运维', roles: ['admin'], password: 'correct horse 1' },
      'en',
    );
    expect(created).toMatchObject({ via: 'server', exitCode: 0 });
    expect(created.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);

    const taken = await dispatch(
      config,
      COMMANDS,
      'user create',
      { jurisdiction: 'test.example', username: 'OPS-ADMIN', displayName: 'x', password: 'correct horse 2' },
      'en',
    );
    expect(taken.exitCode).toBe(1);
    expect(taken.stderr).toContain('already taken');

    const badRole = await dispatch(
      config,
      COMMANDS,
      'user create',
      { jurisdiction: 'test.example', username: 'u2', displayName: 'x', roles: ['wizard'], password: 'correct horse 2' },
      'en',
    );
    expect(badRole.exitCode).toBe(2);

    const key = await dispatch(config, COMMANDS, 'apikey create', { name: 'gateway', jurisdiction: 'test.example', scopes: [] }, 'en');
    expect(key.exitCode).toBe(0);
    // The key alone on stdout; the details on stderr.
    expect(key.stdout).toMatch(/^cgk_\S+\n$/);
    expect(key.stderr).toContain('gateway');
    const revoked = await dispatch(config, COMMANDS, 'apikey revoke', { key: key.stdout.trim() }, 'en');
    expect(revoked.exitCode).toBe(0);

    const verify = await dispatch(config, COMMANDS, 'audit verify', {}, 'en');
    expect(verify).toMatchObject({ exitCode: 0, stdout: '' });
    expect(verify.stderr).toContain('intact: 3 entries');
  });

  it('seeds the demo city once', async () => {
    const first = await dispatch(config, COMMANDS, 'seed-demo', {}, 'en');
    expect(first).toMatchObject({ via: 'server', exitCode: 0 });
    expect(first.stderr).toContain('Seeded the demo city chengdu.gov.cn');
    const again = await dispatch(config, COMMANDS, 'seed-demo', {}, 'en');
    expect(again.stderr).toContain('already there');
    const verify = await dispatch(config, COMMANDS, 'audit verify', {}, 'en');
    expect(verify.exitCode).toBe(0);
  });

  it('reads a password from standard input in the binary', () => {
    const reset = spawnSync(process.execPath, [BIN, 'user', 'reset-password', 'ops-admin', '--password-stdin'], {
      env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
      input: 'another secret 9\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(reset.stderr).toContain('Password of ops-admin reset');
    expect(reset.status).toBe(0);
    const noPassword = spawnSync(process.execPath, [BIN, 'user', 'reset-password', 'ops-admin'], {
      env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(noPassword.status).toBe(2);
    expect(noPassword.stderr).toContain('--password-stdin');
  });

  it('answers failures with one line and the right exit code', async () => {
    const missing = await dispatch(config, COMMANDS, 'restore', { file: path.join(dir, 'nope.gz') }, 'en');
    expect(missing).toMatchObject({ via: 'server', exitCode: 2, stdout: '' });
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('does not exist');

    const zh = await dispatch(config, COMMANDS, 'restore', { file: path.join(dir, 'nope.gz') }, 'zh-CN');
    expect(zh.stderr).toContain('不存在');

    const relative = await dispatch(config, COMMANDS, 'backup', { file: 'relative.gz' }, 'en');
    expect(relative.exitCode).toBe(2);
    expect(relative.stderr).toContain('absolute path');

    const unknown = await callAdminChannel(adminSocketPath(dir), { command: 'drop-everything', args: {}, locale: 'en' });
    expect(unknown.exitCode).toBe(2);
  });

  it('refuses a request larger than the limit', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.createConnection(adminSocketPath(dir));
      let got = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => (got += c));
      s.on('end', () => resolve(got));
      s.on('error', reject);
      s.write('x'.repeat(MAX_REQUEST_BYTES + 10));
    });
    expect(JSON.parse(reply)).toMatchObject({ ok: false, exitCode: 2 });
  });

  it('reports a held database whose channel does not answer', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'civicgrid-cli-held-'));
    try {
      // A live process (our parent) "holds" the lock, and there is no socket.
      writeFileSync(`${embeddedDataDir(other)}.lock`, String(process.ppid));
      const result = await dispatch({ ...config, dataDir: other }, COMMANDS, 'migrate', {}, 'en');
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`in use by process ${process.ppid}`);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('admin channel bounds', () => {
  it('runs one command at a time and refuses more than the queue holds', async () => {
    const socketPath = path.join(dir, 'bounds.sock');
    let running = 0;
    let maxRunning = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = defineCommand({
      args: z.object({ n: z.number() }),
      needsCurrentSchema: false,
      async run(_ctx, args, io) {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate;
        running--;
        io.out(`done ${args.n}`);
      },
    });
    const ctx = { config, log: pino({ level: 'silent' }) } as unknown as AppContext;
    const channel = await startAdminChannel(ctx, { slow }, { socketPath, maxWaiting: 2 });
    try {
      const calls = [1, 2, 3].map((n) => callAdminChannel(socketPath, { command: 'slow', args: { n }, locale: 'en' }));
      const third = await calls[2]!;
      expect(third.exitCode).toBe(1);
      expect(third.stderr).toContain('busy');
      release();
      const [a, b] = await Promise.all([calls[0]!, calls[1]!]);
      expect([a.stdout, b.stdout]).toEqual(['done 1\n', 'done 2\n']);
      expect(maxRunning).toBe(1);
    } finally {
      await channel.close();
    }
    expect(existsSync(socketPath)).toBe(false);
  });
});

describe('the civicgrid binary', () => {
  const env = { ...process.env, DATA_DIR: path.join(dir ?? tmpdir(), 'bin'), LOG_LEVEL: 'silent' };
  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });

  it('prints help for every command and exits 2 on usage errors', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    for (const name of ['serve', 'migrate', 'seed-demo', 'backup', 'restore', 'user', 'apikey', 'audit']) expect(help.stdout).toContain(name);
    expect(run(['restore', '--help']).status).toBe(0);
    const usage = run(['backup']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'file'");
    expect(run(['no-such-command']).status).toBe(2);
  });

  it('exits 2 with a message naming the variable on bad configuration', () => {
    const bad = run(['migrate'], { PORT: 'eighty' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('PORT');
    expect(bad.stdout).toBe('');
  });
});
