/**
 * What an uploaded photo becomes before it is stored (sharp / libvips):
 * - Privacy: a photo carrying EXIF, XMP or IPTC metadata (GPS position, camera, owner, time) is re-encoded without
 *   it, upright (the EXIF orientation applied first); the stripped copy is what is kept and hashed — the original
 *   bytes are never stored. A photo without such metadata is kept byte for byte.
 * - A thumbnail: JPEG, fitting 320 × 320, made from the stored copy and kept content-addressed beside it.
 * HEIC (HEVC) cannot be decoded by the prebuilt library: a HEIC without metadata is kept as is, without thumbnail;
 * one with metadata is refused (415 attachment.metadata_not_removable) rather than stored with its location.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../../shared/errors.js';
import type { ImageType } from './image-sniff.js';

export const THUMB_SIZE = 320;

export interface PreparedFile {
  file: string;
  size: number;
  sha256: string;
}

export interface PreparedPhoto extends PreparedFile {
  width: number | null;
  height: number | null;
  /** Whether metadata was found and removed (the stored bytes differ from the upload). */
  stripped: boolean;
  thumb: PreparedFile | null;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function writeTemp(dir: string, bytes: Buffer): Promise<PreparedFile> {
  const file = path.join(dir, `${randomUUID()}.part`);
  await writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
  return { file, size: bytes.length, sha256: sha256(bytes) };
}

const hasMetadata = (m: Metadata) => Boolean(m.exif || m.xmp || m.iptc || (m.comments && m.comments.length > 0));

/** Prepares the upload in `file` (already type-checked); new files go to `tempDir`, the caller removes them all. */
export async function preparePhoto(file: string, type: ImageType, upload: PreparedFile & { width: number | null; height: number | null }, tempDir: string): Promise<PreparedPhoto> {
  const input = await readFile(file);
  let meta: Metadata;
  try {
    meta = await sharp(input).metadata();
  } catch {
    throw new AppError('unsupported_media_type', 'attachment.undecodable');
  }
  if (type === 'image/heic') {
    if (hasMetadata(meta)) throw new AppError('unsupported_media_type', 'attachment.metadata_not_removable');
    return { ...upload, stripped: false, thumb: null };
  }
  let stored: PreparedPhoto = { ...upload, stripped: false, thumb: null };
  let storedBytes = input;
  try {
    if (hasMetadata(meta)) {
      // sharp writes no metadata unless asked (withMetadata / keepExif): the re-encoded copy has none.
      const pipeline = sharp(input).rotate();
      const out =
        type === 'image/jpeg'
          ? await pipeline.jpeg({ quality: 90 }).toBuffer({ resolveWithObject: true })
          : type === 'image/png'
            ? await pipeline.png().toBuffer({ resolveWithObject: true })
            : await pipeline.webp({ quality: 90 }).toBuffer({ resolveWithObject: true });
      storedBytes = out.data;
      stored = { ...(await writeTemp(tempDir, out.data)), width: out.info.width, height: out.info.height, stripped: true, thumb: null };
    }
    const thumb = await sharp(storedBytes).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();
    return { ...stored, thumb: await writeTemp(tempDir, thumb) };
  } catch (err) {
    if (stored.stripped) await unlink(stored.file).catch(() => undefined);
    if (err instanceof AppError) throw err;
    throw new AppError('unsupported_media_type', 'attachment.undecodable');
  }
}
