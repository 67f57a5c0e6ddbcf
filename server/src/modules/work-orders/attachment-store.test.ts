/**
 * The attachment stores against real back ends: the file store on a temporary directory, the S3 store against
 * s3rver (an S3-compatible server run in-process on 127.0.0.1) through @aws-sdk/client-s3.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAttachmentStore, S3AttachmentStore, storageKeyFor, sweepTempDir, type AttachmentStore } from './attachment-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cg-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tempFile(store: AttachmentStore, bytes: Buffer): Promise<string> {
  await mkdir(store.tempDir, { recursive: true });
  const file = path.join(store.tempDir, `${Math.random().toString(36).slice(2)}.part`);
  await writeFile(file, bytes);
  return file;
}

/** The behaviour both stores share. */
async function exerciseStore(store: AttachmentStore) {
  const bytes = Buffer.from(`photo bytes ${store.kind} ${Date.now()}`);
  const key = storageKeyFor(sha(bytes));
  const meta = { contentType: 'image/jpeg', size: bytes.length, sha256: sha(bytes) };
  expect(await store.has(key)).toBe(false);
  expect(await store.open(key)).toBeNull();

  const file = await tempFile(store, bytes);
  await store.put(key, file, meta);
  expect(existsSync(file)).toBe(false); // the temp file is consumed
  expect(await store.has(key)).toBe(true);
  expect(await readAll((await store.open(key))!)).toEqual(bytes);

  // Same key, same bytes: putting it again changes nothing.
  await store.put(key, await tempFile(store, bytes), meta);
  expect(await readAll((await store.open(key))!)).toEqual(bytes);

  await store.delete(key);
  expect(await store.has(key)).toBe(false);
  expect(await store.open(key)).toBeNull();
  await store.delete(key); // deleting a missing blob is not an error

  // Keys are our own shape only: nothing can name a path outside the store.
  await expect(store.has('../../etc/passwd')).rejects.toThrow(/storage key/);
  await expect(store.delete(`ab/${'a'.repeat(63)}/`)).rejects.toThrow(/storage key/);
  expect(() => storageKeyFor('ABC')).toThrow();
}

describe('FileAttachmentStore', () => {
  it('stores content-addressed blobs under its root, atomically, and deletes them', async () => {
    const root = path.join(dir, 'attachments');
    const store = new FileAttachmentStore(root);
    await exerciseStore(store);
    const bytes = Buffer.from('kept');
    const key = storageKeyFor(sha(bytes));
    await store.put(key, await tempFile(store, bytes), { contentType: 'image/png', size: 4, sha256: sha(bytes) });
    expect(await readFile(path.join(root, key.slice(0, 2), sha(bytes)))).toEqual(bytes);
    // A second store on the same directory (a restarted process) reads the same blob.
    expect(await readAll((await new FileAttachmentStore(root).open(key))!)).toEqual(bytes);
  });

  it('sweeps only stale temp files', async () => {
    const tmp = path.join(dir, 'sweep');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, 'old.part'), 'x');
    await writeFile(path.join(tmp, 'new.part'), 'y');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(tmp, 'old.part'), twoHoursAgo, twoHoursAgo);
    expect(await sweepTempDir(tmp, 3600_000)).toBe(1);
    expect(await readdir(tmp)).toEqual(['new.part']);
    expect(await sweepTempDir(path.join(dir, 'no-such-dir'), 1)).toBe(0);
  });
});

describe('S3AttachmentStore (against s3rver)', () => {
  let server: S3rver;
  let endpoint: string;
  const bucket = 'civicgrid-test';
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

  beforeAll(async () => {
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(dir, 's3rver') });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    admin.destroy();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('puts, heads, gets and deletes objects (path-style, with a key prefix)', async () => {
    const store = new S3AttachmentStore({ endpoint, bucket, region: 'us-east-1', credentials, forcePathStyle: true, prefix: 'photos/', tempDir: path.join(dir, 's3tmp') });
    try {
      await exerciseStore(store);
      // The prefix is applied: the object lives under photos/ in the bucket (s3rver keeps objects as files).
      const bytes = Buffer.from('prefixed');
      const key = storageKeyFor(sha(bytes));
      await store.put(key, await tempFile(store, bytes), { contentType: 'image/webp', size: bytes.length, sha256: sha(bytes) });
      const files = await readdir(path.join(dir, 's3rver', bucket, 'photos', key.slice(0, 2)));
      expect(files.some((f) => f.startsWith(sha(bytes)))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('reports a missing bucket as an error, not as a missing blob', async () => {
    const store = new S3AttachmentStore({ endpoint, bucket: 'no-such-bucket', region: 'us-east-1', credentials, forcePathStyle: true, prefix: '', tempDir: path.join(dir, 's3tmp') });
    try {
      await expect(store.open(storageKeyFor('0'.repeat(64)))).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
