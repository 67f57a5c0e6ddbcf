/**
 * `civicgrid backup` / `restore` carry the photo files: every blob the attachments name (photo and thumbnail) goes
 * into the backup file and comes back into the target's attachment store, checked against its content address.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/context.js';
import { runCommand } from '../src/ops/command.js';
import { COMMANDS } from '../src/ops/commands.js';
import { createTestApp, testConfig, type TestApp } from './app.js';
import { createTestStorage, testStorageKind } from './db.js';
import { makePng } from './fixtures/images.js';
import { loginAs, makeJurisdiction, makeUser } from './factories.js';

let dir: string;
let t: TestApp;
const uploaded: { id: string; sha256: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cg-backup-photos-'));
  t = await createTestApp({ dataDir: path.join(dir, 'source') });
  const j = (await makeJurisdiction(t.ctx.db)).id;
  const s = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] }));
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 1, g: 2, b: 3 } } }).jpeg().toBuffer();
  for (const [body, type] of [[photo, 'image/jpeg'], [makePng(9, 9, 77), 'image/png']] as const) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { ...s.bearer, 'content-type': type }, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    uploaded.push(res.json());
  }
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function restoreInto(file: string, dataDir: string) {
  const storage = await createTestStorage();
  const ctx = createContext(testConfig({ storageKind: storage.kind, dataDir }), storage);
  try {
    return { result: await runCommand(ctx, COMMANDS, 'restore', { file }, { locale: 'en' }), rows: await ctx.db.selectFrom('attachments').select(['id', 'storage_key', 'thumb_key']).execute() };
  } finally {
    await storage.close();
  }
}

describe(`backup carries the photo files (${testStorageKind})`, () => {
  const file = () => path.join(dir, 'city.backup.gz');

  it('writes every photo and thumbnail into the backup and restores them into an empty store', async () => {
    const backedUp = await runCommand(t.ctx, COMMANDS, 'backup', { file: file() }, { locale: 'en' });
    expect(backedUp.exitCode, backedUp.stderr).toBe(0);
    // Two photos, two thumbnails.
    expect(backedUp.stderr).toContain('and 4 photo files');
    const lines = gunzipSync(readFileSync(file())).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'blob' in l)).toHaveLength(4);
    expect(lines.at(-1)).toMatchObject({ trailer: true, blobs: 4 });

    const target = path.join(dir, 'target');
    const { result, rows } = await restoreInto(file(), target);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('and 4 photo files');
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      for (const key of [r.storage_key, r.thumb_key!]) {
        expect(readFileSync(path.join(target, 'attachments', key))).toEqual(readFileSync(path.join(dir, 'source', 'attachments', key)));
      }
    }
    const photo = rows.find((r) => r.id === uploaded[0]!.id)!;
    expect(photo.storage_key.endsWith(uploaded[0]!.sha256)).toBe(true);
  });

  it('refuses a backup whose photo bytes do not match their address', async () => {
    const lines = gunzipSync(readFileSync(file())).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    const blob = lines.find((l) => 'blob' in l);
    blob.data = Buffer.from('tampered').toString('base64');
    const tampered = path.join(dir, 'tampered.backup.gz');
    writeFileSync(tampered, gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
    const { result, rows } = await restoreInto(tampered, path.join(dir, 'target2'));
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('does not match its hash');
    expect(rows).toHaveLength(0);
  });
});
