import { describe, expect, it } from 'vitest';
import { imageFixture, makePng } from '../../../test/fixtures/images.js';
import { imageDimensions, sniffImageType } from './image-sniff.js';

const fixture = (name: string) => new Uint8Array(imageFixture(name));

/** The JPEG fixture with an EXIF-like APP1 segment of `size` bytes inserted before its frame header. */
function jpegWithApp1(size: number): Uint8Array {
  const jpeg = fixture('photo-40x30.jpg');
  const app1 = new Uint8Array(4 + size);
  app1.set([0xff, 0xe1, ((size + 2) >> 8) & 0xff, (size + 2) & 0xff]);
  app1.set(new TextEncoder().encode('Exif\0\0'), 4);
  return new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

describe('sniffImageType', () => {
  it('recognises JPEG, PNG, WebP (lossy and lossless) and HEIC by their bytes', () => {
    expect(sniffImageType(fixture('photo-40x30.jpg'))).toBe('image/jpeg');
    expect(sniffImageType(makePng(3, 2))).toBe('image/png');
    expect(sniffImageType(fixture('photo-40x30.webp'))).toBe('image/webp');
    expect(sniffImageType(fixture('photo-40x30-lossless.webp'))).toBe('image/webp');
    expect(sniffImageType(fixture('photo-40x30.heic'))).toBe('image/heic');
  });

  it('refuses GIF, PDF, text, AVIF, other RIFF files and truncated signatures', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(sniffImageType(enc('GIF89a\x01\x00\x01\x00\x00\x00\x00;'))).toBeNull();
    expect(sniffImageType(enc('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj'))).toBeNull();
    expect(sniffImageType(enc('hello, this is not a photo at all'))).toBeNull();
    expect(sniffImageType(enc('RIFF\x24\x00\x00\x00WAVEfmt '))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
    expect(sniffImageType(new Uint8Array([0xff, 0xd8]))).toBeNull();
    expect(sniffImageType(makePng(1, 1).subarray(0, 7))).toBeNull();
    // AVIF: the same container as HEIC with an AV1 brand.
    const avif = Buffer.alloc(32);
    avif.writeUInt32BE(28, 0);
    avif.write('ftypavif', 4, 'ascii');
    avif.write('mif1miafavif', 16, 'ascii');
    expect(sniffImageType(avif)).toBeNull();
    // The generic HEIF brand with an HEVC compatible brand is HEIC.
    const heif = Buffer.from(avif);
    heif.write('ftypmif1', 4, 'ascii');
    heif.write('mif1heic', 16, 'ascii');
    expect(sniffImageType(heif)).toBe('image/heic');
  });
});

describe('imageDimensions', () => {
  it('reads width and height from each format header', () => {
    expect(imageDimensions('image/jpeg', fixture('photo-40x30.jpg'))).toEqual({ width: 40, height: 30 });
    expect(imageDimensions('image/png', makePng(17, 5))).toEqual({ width: 17, height: 5 });
    expect(imageDimensions('image/webp', fixture('photo-40x30.webp'))).toEqual({ width: 40, height: 30 });
    expect(imageDimensions('image/webp', fixture('photo-40x30-lossless.webp'))).toEqual({ width: 40, height: 30 });
    expect(imageDimensions('image/heic', fixture('photo-40x30.heic'))).toEqual({ width: 40, height: 30 });
  });

  it('walks past EXIF segments in a JPEG, and gives up when the frame header is beyond the bytes given', () => {
    const withExif = jpegWithApp1(3000);
    expect(sniffImageType(withExif)).toBe('image/jpeg');
    expect(imageDimensions('image/jpeg', withExif)).toEqual({ width: 40, height: 30 });
    expect(imageDimensions('image/jpeg', withExif.subarray(0, 2000))).toBeNull();
  });

  it('does not invent sizes for malformed headers', () => {
    expect(imageDimensions('image/png', makePng(4, 4).subarray(0, 20))).toBeNull();
    expect(imageDimensions('image/jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(imageDimensions('image/jpeg', new Uint8Array([0xff, 0xd8, 0x00, 0x00, 0, 0]))).toBeNull();
    const zeroWidth = makePng(4, 4);
    zeroWidth.writeUInt32BE(0, 16);
    expect(imageDimensions('image/png', zeroWidth)).toBeNull();
  });
});
