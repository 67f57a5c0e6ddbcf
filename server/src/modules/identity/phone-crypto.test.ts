/** Phone numbers and one-time codes: normalising, masking, encryption at rest and lookup keys. */
import { describe, expect, it } from 'vitest';
import { codeDigest, codeMatches, maskPhone, newPhoneCode, normalisePhone, openPersonal, phoneLookup, residentUsername, sealPersonal } from './phone-crypto.js';

const KEY = 'test-secret-key-test-secret-key-0123456789';

describe('phone numbers', () => {
  it('accepts mainland mobile numbers with an optional +86, spaces and dashes', () => {
    expect(normalisePhone('13812341234')).toBe('13812341234');
    expect(normalisePhone('+86 138-1234-1234')).toBe('13812341234');
    expect(normalisePhone('8619912341234')).toBe('19912341234');
    for (const bad of ['', '12812341234', '1381234123', '138123412345', '+1 13812341234', '1381234123a', '０１３８']) expect(normalisePhone(bad)).toBeNull();
  });

  it('masks as 138****1234', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
  });

  it('encrypts with a fresh IV each time, decrypts, and rejects tampering or another key', () => {
    const a = sealPersonal(KEY, '13812341234');
    const b = sealPersonal(KEY, '13812341234');
    expect(a).not.toBe(b);
    expect(a).not.toContain('13812341234');
    expect(openPersonal(KEY, a)).toBe('13812341234');
    const parts = a.split('.');
    const flipped = [...parts.slice(0, 3), (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1)].join('.');
    expect(() => openPersonal(KEY, flipped)).toThrow();
    expect(() => openPersonal(`${KEY}x`, a)).toThrow();
  });

  it('never uses a nonce twice, across refills of the nonce pool', () => {
    // 256 nonces per draw: 600 seals cross two refills.
    const sealed = Array.from({ length: 600 }, (_, i) => sealPersonal(KEY, `1381234${String(i).padStart(4, '0')}`));
    const ivs = sealed.map((s) => s.split('.')[1]!);
    expect(new Set(ivs).size).toBe(600);
    expect(ivs.every((iv) => Buffer.from(iv, 'base64url').length === 12)).toBe(true);
    expect(sealed.map((s) => openPersonal(KEY, s))[599]).toBe('13812340599');
  });

  it('derives a stable lookup key and username that do not reveal the number', () => {
    const h = phoneLookup(KEY, '13812341234');
    expect(h).toBe(phoneLookup(KEY, '13812341234'));
    expect(h).not.toBe(phoneLookup(`${KEY}x`, '13812341234'));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(residentUsername(h)).toMatch(/^r[0-9a-f]{10}$/);
  });
});

describe('one-time codes', () => {
  it('are six digits', () => {
    for (let i = 0; i < 200; i++) expect(newPhoneCode()).toMatch(/^\d{6}$/);
  });

  it('are stored as an HMAC bound to the phone', () => {
    const h1 = phoneLookup(KEY, '13812341234');
    const h2 = phoneLookup(KEY, '13912341234');
    const stored = codeDigest(KEY, h1, '123456');
    expect(stored).not.toContain('123456');
    expect(codeMatches(KEY, h1, '123456', stored)).toBe(true);
    expect(codeMatches(KEY, h1, '123457', stored)).toBe(false);
    expect(codeMatches(KEY, h2, '123456', stored)).toBe(false);
  });
});
