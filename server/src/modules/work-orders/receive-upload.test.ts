/**
 * receiveUpload on a real temporary directory: a body refused by its first bytes (415), by its size (413) or left
 * empty (400) leaves no file behind, and an accepted one keeps its file. Such a body can be refused while the write
 * stream is still opening its file; the unlink then has to wait for the stream to close, or, when the open is slow (a
 * busy machine: one CI run), the open creates the file after the unlink. This test cannot force that interleaving —
 * it checks that every refusal still cleans up.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { receiveUpload } from './attachments.service.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cg-receive-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0]), Buffer.alloc(100, 7)]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);

it('removes the file of every refused body, however early it is refused', async () => {
  const refusals: Array<[Buffer[], string]> = [
    [[gif], 'attachment.unsupported_type'],
    [[png, png], 'attachment.too_large'],
    [[], 'attachment.empty'],
  ];
  for (let round = 0; round < 20; round++) {
    for (const [chunks, code] of refusals) {
      // A body that is all there at once (as app.inject gives it): refused within a tick or two of the open.
      const body = new Readable({
        read() {
          for (const chunk of chunks) this.push(chunk);
          this.push(null);
        },
      });
      await expect(receiveUpload(body, dir, 300)).rejects.toMatchObject({ code });
    }
  }
  expect(await readdir(dir)).toEqual([]);
});

it('keeps the file of an accepted body, with its size and type', async () => {
  const received = await receiveUpload(Readable.from([png]), dir, 300);
  expect(received).toMatchObject({ size: png.length, contentType: 'image/png' });
  expect(await readdir(dir)).toEqual([path.basename(received.file)]);
  await rm(received.file);
});
