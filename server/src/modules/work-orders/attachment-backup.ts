/**
 * The photo blobs for `civicgrid backup` / `restore` (ops/backup.ts writes them into the backup file after the
 * tables): read by storage key from the configured store, written back through it. Keys are content addresses,
 * so a restore checks each blob's SHA-256 against its key before storing it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import { createAttachmentStore, type AttachmentStore } from './attachment-store.js';

export interface AttachmentBlobs {
  /** The bytes under `key`, or null when the store has none. */
  read(key: string): Promise<Buffer | null>;
  /** Stores `bytes` under `key`; false (nothing written) when they do not hash to the key. */
  write(key: string, bytes: Buffer, contentType: string): Promise<boolean>;
  close(): Promise<void>;
}

export function attachmentBlobs(config: Pick<Config, 'dataDir' | 'attachments'>, store: AttachmentStore = createAttachmentStore(config)): AttachmentBlobs {
  return {
    async read(key) {
      const stream = await store.open(key);
      if (!stream) return null;
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async write(key, bytes, contentType) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (key !== `${sha256.slice(0, 2)}/${sha256}`) return false;
      await mkdir(store.tempDir, { recursive: true });
      const file = path.join(store.tempDir, `${randomUUID()}.part`);
      await writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
      try {
        await store.put(key, file, { contentType, size: bytes.length, sha256 });
      } finally {
        await unlink(file).catch(() => undefined);
      }
      return true;
    },
    close: () => store.close(),
  };
}
