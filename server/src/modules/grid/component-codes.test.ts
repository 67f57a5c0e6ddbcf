import { describe, expect, it } from 'vitest';
import { componentCode, nextSerial, parseComponentCode } from './component-codes.js';

describe('component codes', () => {
  it('parses the published example and composes it back', () => {
    expect(parseComponentCode('3205820102048188')).toEqual({ county: '320582', classCode: '0102', serial: 48188 });
    expect(componentCode('320582', '0102', 48188)).toBe('3205820102048188');
    expect(componentCode('510104', '2101', 1)).toBe('5101042101000001');
  });

  it('refuses malformed codes, class or subclass 00 and serial 000000', () => {
    for (const bad of ['320582010204818', '32058201020481888', '3205820102O48188', '3205820002048188', '3205820100048188', '3205820102000000']) {
      expect(parseComponentCode(bad), bad).toBeNull();
    }
    expect(() => componentCode('51010', '0102', 1)).toThrow(RangeError);
    expect(() => componentCode('510104', '102', 1)).toThrow(RangeError);
    expect(() => componentCode('510104', '0102', 0)).toThrow(RangeError);
    expect(() => componentCode('510104', '0102', 1_000_000)).toThrow(RangeError);
  });

  it('counts serials up from 1 and stops at 999999', () => {
    expect(nextSerial(null)).toBe(1);
    expect(nextSerial(41)).toBe(42);
    expect(nextSerial(999_998)).toBe(999_999);
    expect(nextSerial(999_999)).toBeNull();
  });
});
