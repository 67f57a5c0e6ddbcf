/** Minimal Shapefile parts and a stored (uncompressed) .zip for tests of the grid import. */
import { crc32 } from 'node:zlib';

/** The closed ring of the square with its south-west corner at (x0, y0) and sides of `size` degrees. */
export const squareRing = (x0: number, y0: number, size: number) => [
  [x0, y0],
  [x0 + size, y0],
  [x0 + size, y0 + size],
  [x0, y0 + size],
  [x0, y0],
];

/** A minimal ESRI Shapefile of Polygon records (one record per list of rings). */
export function shpPolygons(records: number[][][][]): Buffer {
  const bodies = records.map((rings, k) => {
    const points = rings.flat();
    const content = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
    content.writeInt32LE(5, 0);
    const xs = points.map((p) => p[0]!);
    const ys = points.map((p) => p[1]!);
    [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) => content.writeDoubleLE(v, 4 + 8 * i));
    content.writeInt32LE(rings.length, 36);
    content.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((ring, i) => {
      content.writeInt32LE(start, 44 + 4 * i);
      start += ring.length;
    });
    points.forEach(([x, y], i) => {
      content.writeDoubleLE(x!, 44 + 4 * rings.length + 16 * i);
      content.writeDoubleLE(y!, 52 + 4 * rings.length + 16 * i);
    });
    const header = Buffer.alloc(8);
    header.writeInt32BE(k + 1, 0);
    header.writeInt32BE(content.length / 2, 4);
    return Buffer.concat([header, content]);
  });
  const head = Buffer.alloc(100);
  const length = 100 + bodies.reduce((n, b) => n + b.length, 0);
  head.writeInt32BE(9994, 0);
  head.writeInt32BE(length / 2, 24);
  head.writeInt32LE(1000, 28);
  head.writeInt32LE(5, 32);
  return Buffer.concat([head, ...bodies]);
}

/** A minimal dBASE III table of character fields (UTF-8 bytes, fields 40 bytes wide). */
export function dbf(fields: string[], rows: string[][]): Buffer {
  const width = 40;
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + width * fields.length;
  const head = Buffer.alloc(headerLength);
  head.writeUInt8(0x03, 0);
  head.writeUInt32LE(rows.length, 4);
  head.writeUInt16LE(headerLength, 8);
  head.writeUInt16LE(recordLength, 10);
  fields.forEach((name, i) => {
    head.write(name, 32 + 32 * i, 'ascii');
    head.write('C', 32 + 32 * i + 11, 'ascii');
    head.writeUInt8(width, 32 + 32 * i + 16);
  });
  head.writeUInt8(0x0d, headerLength - 1);
  const records = rows.map((row) => {
    const r = Buffer.alloc(recordLength, 0x20);
    row.forEach((value, i) => Buffer.from(value, 'utf8').copy(r, 1 + width * i));
    return r;
  });
  return Buffer.concat([head, ...records, Buffer.from([0x1a])]);
}

/** A .zip holding the files uncompressed (method 0) — enough for shpjs. */
export function storedZip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
