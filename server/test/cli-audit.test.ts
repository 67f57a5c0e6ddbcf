/**
 * `civicgrid audit verify` as an operator runs it: exit 0 on an intact chain, non-zero naming the first bad entry
 * after someone with owner rights edits a row behind the application's back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../src/cli/dispatch.js';
import { embeddedDataDir, openPglite } from '../src/db/storage.js';
import { COMMANDS } from '../src/ops/commands.js';
import { testConfig } from './app.js';
import { ensurePgliteTemplate } from './template.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/civicgrid.js');
let dir: string;

function verify() {
  return spawnSync(process.execPath, [BIN, 'audit', 'verify'], {
    env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: '', LANG: 'en_US.UTF-8' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cg-cli-audit-'));
  // Start from the migrated template instead of creating PostGIS again (~10 s).
  const seeded = await openPglite({ dataDir: embeddedDataDir(dir), loadDataDir: new Blob([readFileSync(await ensurePgliteTemplate())]) });
  await seeded.close();
  const config = testConfig({ dataDir: dir });
  expect((await dispatch(config, COMMANDS, 'seed-demo', {}, 'en')).exitCode).toBe(0);
  for (const name of ['ops-a', 'ops-b']) {
    const made = await dispatch(
      config,
      COMMANDS,
      'user create',
      { jurisdiction: 'chengdu.gov.cn', username: name, displayName: name, password: 'correct horse 2' },
      'en',
    );
    expect(made.exitCode).toBe(0);
  }
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('civicgrid audit verify', () => {
  it('exits 0 on an intact chain', () => {
    const res = verify();
    expect(res.stderr).toMatch(/intact: \d+ entries/);
    expect(res.status).toBe(0);
  });

  it('exits non-zero and names the first bad entry after a row is edited', async () => {
    const storage = await openPglite({ dataDir: embeddedDataDir(dir) });
    let target: number;
    try {
      const rows = await sql<{ seq: number }>`SELECT seq FROM audit_log WHERE action = 'user.create' ORDER BY seq`.execute(storage.db);
      target = rows.rows[0]!.seq;
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(storage.db);
      await sql`UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = ${target}`.execute(storage.db);
    } finally {
      await storage.close();
    }
    const res = verify();
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain(String(target));
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
