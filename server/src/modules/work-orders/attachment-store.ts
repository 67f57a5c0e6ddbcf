/**
 * Where attachment bytes live. Blobs are content-addressed: the key is derived from the SHA-256 of the bytes
 * (`ab/abcdef…`), so a key always names the same bytes and writing it twice is harmless. Two stores:
 *
 * - FileAttachmentStore: DATA_DIR/attachments/<key>. A finished upload (a temp file, already hashed) is fsynced,
 *   renamed into place (atomic: readers see the whole file or none) and the directory fsynced, so a crash never
 *   leaves a half-written blob under a real key.
 * - S3AttachmentStore: any S3-compatible service (AWS S3, MinIO, Ceph RGW, OSS/COS in S3 mode) via
 *   @aws-sdk/client-s3; endpoint, bucket, region, keys and path-style addressing from the configuration.
 *
 * Uploads are first streamed to a local temp directory (`tempDir`), hashed on the way, then `put`.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AttachmentsConfig, Config } from '../../config.js';

export interface BlobMeta {
  contentType: string;
  size: number;
  sha256: string;
}

export interface AttachmentStore {
  readonly kind: 'file' | 's3';
  /** A local directory for uploads in progress (on the same file system as the file store's blobs). */
  readonly tempDir: string;
  /** Stores the finished temp file `file` under `key`; the temp file is consumed (moved or deleted). */
  put(key: string, file: string, meta: BlobMeta): Promise<void>;
  has(key: string): Promise<boolean>;
  /** The blob's bytes, or null when there is none under `key`. */
  open(key: string): Promise<Readable | null>;
  /** Removes the blob; a missing blob is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The storage key of a blob with this SHA-256 (hex). */
export function storageKeyFor(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('storage keys are made from a lowercase hex SHA-256');
  return `${sha256.slice(0, 2)}/${sha256}`;
}

function checkKey(key: string): void {
  // Keys come from our own rows; refuse anything else rather than let a path escape the store.
  if (!KEY.test(key)) throw new Error(`not an attachment storage key: ${key}`);
}

async function fsyncPath(p: string, mode: 'r' | 'r+' = 'r'): Promise<void> {
  const handle = await open(p, mode);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/**
 * Deletes files in `dir` older than `maxAgeMs`: uploads abandoned by a crash. Returns how many were removed.
 */
export async function sweepTempDir(dir: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > maxAgeMs) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

export class FileAttachmentStore implements AttachmentStore {
  readonly kind = 'file' as const;
  readonly tempDir: string;

  constructor(readonly root: string) {
    this.tempDir = path.join(root, '.tmp');
  }

  #pathOf(key: string): string {
    checkKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, file: string, _meta?: BlobMeta): Promise<void> {
    const target = this.#pathOf(key);
    const dir = path.dirname(target);
    await fsyncPath(file);
    await mkdir(dir, { recursive: true });
    // Same key = same bytes, so replacing an existing blob changes nothing a reader could notice.
    await rename(file, target);
    await fsyncPath(dir);
  }

  async has(key: string): Promise<boolean> {
    return stat(this.#pathOf(key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async open(key: string): Promise<Readable | null> {
    const file = this.#pathOf(key);
    try {
      // Open first, so a missing blob is a null here rather than a stream error after the headers went out.
      const handle = await open(file, 'r');
      return handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await removeQuietly(this.#pathOf(key));
  }

  async close(): Promise<void> {}
}

export type S3StoreOptions = NonNullable<AttachmentsConfig['s3']> & {
  /** Local directory for uploads in progress. */
  tempDir: string;
};

export class S3AttachmentStore implements AttachmentStore {
  readonly kind = 's3' as const;
  readonly tempDir: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3StoreOptions) {
    this.tempDir = options.tempDir;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix;
    this.#client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      forcePathStyle: options.forcePathStyle,
      // Checksums only where the API requires them: many S3-compatible servers do not accept the SDK's default
      // flexible checksums (aws-chunked trailers). Integrity is ours: the key is the SHA-256 of the bytes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  #objectKey(key: string): string {
    checkKey(key);
    return `${this.#prefix}${key}`;
  }

  async put(key: string, file: string, meta: BlobMeta): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#objectKey(key),
          Body: createReadStream(file),
          ContentLength: meta.size,
          ContentType: meta.contentType,
          Metadata: { sha256: meta.sha256 },
        }),
      );
    } finally {
      await removeQuietly(file);
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#objectKey(key) }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async open(key: string): Promise<Readable | null> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#objectKey(key) }));
      return (out.Body as Readable | undefined) ?? null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 whether or not the object existed.
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#objectKey(key) }));
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}

function isMissing(err: unknown): boolean {
  if (err instanceof NoSuchKey || err instanceof NotFound) return true;
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  // A missing bucket is also a 404, but it is a configuration error, not a missing blob. (HEAD has no body to say
  // which; `open` and `delete` do.)
  if (e.name === 'NoSuchBucket' || e.Code === 'NoSuchBucket') return false;
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** The store the configuration asks for: DATA_DIR/attachments, or the S3-compatible bucket. */
export function createAttachmentStore(config: Pick<Config, 'dataDir' | 'attachments'>): AttachmentStore {
  const root = path.join(config.dataDir, 'attachments');
  const s3 = config.attachments.s3;
  if (config.attachments.store === 's3') {
    if (!s3) throw new Error('ATTACHMENTS_STORE=s3 needs the ATTACHMENTS_S3_* settings');
    return new S3AttachmentStore({ ...s3, tempDir: path.join(root, '.tmp') });
  }
  return new FileAttachmentStore(root);
}
