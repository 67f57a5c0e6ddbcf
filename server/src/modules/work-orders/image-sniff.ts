/**
 * What kind of image a byte string is, decided by its first bytes (magic numbers), never by what the client
 * claims; and its pixel size, read from the header where the format keeps it. Pure: no I/O.
 *
 * Accepted: JPEG, PNG, WebP (lossy, lossless, extended) and HEIC/HEIF (the ISO-BMFF `ftyp` box naming an HEVC
 * brand; phones save photos so). Everything else — GIF, PDF, AVIF, text — is not an accepted image.
 */

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** Bytes a caller should collect (when the data is that long) before asking `sniffImageType`. */
export const SNIFF_BYTES = 64;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** HEVC-coded ISO-BMFF brands: single image, sequence, and their variants. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** Generic HEIF brands: HEIC only when an HEVC brand is also listed (otherwise it may be AVIF, which we refuse). */
const HEIF_GENERIC = new Set(['mif1', 'msf1']);

function ascii(b: Uint8Array, at: number, length: number): string {
  if (at + length > b.length) return '';
  let s = '';
  for (let i = at; i < at + length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function u16be(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

function u16le(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u24le(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
}

function isHeic(b: Uint8Array): boolean {
  if (ascii(b, 4, 4) !== 'ftyp') return false;
  const size = u32be(b, 0);
  if (size < 16 || size % 4 !== 0) return false;
  const major = ascii(b, 8, 4);
  if (HEIC_BRANDS.has(major)) return true;
  if (!HEIF_GENERIC.has(major)) return false;
  // Compatible brands follow the major brand and its minor version, up to the end of the box (or of what we have).
  const end = Math.min(size, b.length);
  for (let at = 16; at + 4 <= end; at += 4) {
    if (HEIC_BRANDS.has(ascii(b, at, 4))) return true;
  }
  return false;
}

/** The accepted image type these leading bytes begin, or null. */
export function sniffImageType(head: Uint8Array): ImageType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && PNG_SIGNATURE.every((v, i) => head[i] === v)) return 'image/png';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP' && ['VP8 ', 'VP8L', 'VP8X'].includes(ascii(head, 12, 4))) return 'image/webp';
  if (head.length >= 16 && isHeic(head)) return 'image/heic';
  return null;
}

export interface Dimensions {
  width: number;
  height: number;
}

const valid = (width: number, height: number): Dimensions | null => (width > 0 && height > 0 ? { width, height } : null);

function pngSize(b: Uint8Array): Dimensions | null {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return valid(u32be(b, 16), u32be(b, 20));
}

/** Walks the JPEG segments to the first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegSize(b: Uint8Array): Dimensions | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    const length = u16be(b, at + 2);
    if (length < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (at + 9 > b.length) return null;
      return valid(u16be(b, at + 7), u16be(b, at + 5));
    }
    at += 2 + length;
  }
  return null;
}

function webpSize(b: Uint8Array): Dimensions | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X' && b.length >= 30) return valid(u24le(b, 24) + 1, u24le(b, 27) + 1);
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
    return valid((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return valid(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  return null;
}

/**
 * HEIF keeps sizes in `ispe` properties (meta → iprp → ipco), one per image item: the picture, its tiles, its
 * thumbnail. The picture is the primary item (`pitm`); `ipma` says which properties belong to which item; an
 * `irot` of 90° or 270° swaps width and height as displayed. Without those boxes the largest `ispe` is taken.
 */
function heicSize(b: Uint8Array): Dimensions | null {
  interface Box {
    type: string;
    start: number; // first byte after the header
    end: number;
  }
  const children = (start: number, end: number): Box[] => {
    const out: Box[] = [];
    let at = start;
    while (at + 8 <= end) {
      let size = u32be(b, at);
      if (size === 1) break; // 64-bit sizes only occur for media data, never inside meta
      if (size === 0) size = end - at;
      if (size < 8 || at + size > end) break;
      out.push({ type: ascii(b, at + 4, 4), start: at + 8, end: at + size });
      at += size;
    }
    return out;
  };
  const find = (boxes: Box[], type: string) => boxes.find((x) => x.type === type);

  const meta = find(children(0, b.length), 'meta');
  if (!meta) return null;
  const metaBoxes = children(meta.start + 4, meta.end); // full box: version + flags
  const iprpBox = find(metaBoxes, 'iprp');
  if (!iprpBox) return null;
  const iprp = children(iprpBox.start, iprpBox.end);
  const ipco = find(iprp, 'ipco');
  if (!ipco) return null;
  const properties = children(ipco.start, ipco.end);
  const sizeOf = (p: Box): Dimensions | null => (p.type === 'ispe' && p.end - p.start >= 12 ? valid(u32be(b, p.start + 4), u32be(b, p.start + 8)) : null);

  // Which properties the primary item has (1-based indices into ipco).
  const pitm = find(metaBoxes, 'pitm');
  const ipma = find(iprp, 'ipma');
  if (pitm && ipma && pitm.end - pitm.start >= 6) {
    const primary = b[pitm.start] === 0 ? u16be(b, pitm.start + 4) : u32be(b, pitm.start + 4);
    const version = b[ipma.start]!;
    const wideIndex = (b[ipma.start + 3]! & 1) === 1;
    let at = ipma.start + 4;
    const entries = at + 4 <= ipma.end ? u32be(b, at) : 0;
    at += 4;
    for (let e = 0; e < entries && at < ipma.end; e++) {
      const item = version < 1 ? u16be(b, at) : u32be(b, at);
      at += version < 1 ? 2 : 4;
      const count = b[at]!;
      at += 1;
      const indices: number[] = [];
      for (let i = 0; i < count && at < ipma.end; i++) {
        indices.push(wideIndex ? u16be(b, at) & 0x7fff : b[at]! & 0x7f);
        at += wideIndex ? 2 : 1;
      }
      if (item !== primary) continue;
      const props = indices.map((i) => properties[i - 1]).filter((p): p is Box => p !== undefined);
      const ispe = props.map(sizeOf).find((d) => d !== null);
      if (!ispe) break;
      const irot = props.find((p) => p.type === 'irot' && p.end > p.start);
      const quarterTurns = irot ? b[irot.start]! & 3 : 0;
      return quarterTurns % 2 === 1 ? { width: ispe.height, height: ispe.width } : ispe;
    }
  }
  let best: Dimensions | null = null;
  for (const p of properties) {
    const d = sizeOf(p);
    if (d && (!best || d.width * d.height > best.width * best.height)) best = d;
  }
  return best;
}

/** The pixel size in the header of an image of `type`, or null when the bytes given do not reach it. */
export function imageDimensions(type: ImageType, head: Uint8Array): Dimensions | null {
  switch (type) {
    case 'image/png':
      return pngSize(head);
    case 'image/jpeg':
      return jpegSize(head);
    case 'image/webp':
      return webpSize(head);
    case 'image/heic':
      return heicSize(head);
  }
}
