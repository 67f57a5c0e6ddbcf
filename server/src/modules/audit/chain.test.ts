import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ChainVerifier,
  GENESIS,
  canonicalJson,
  entryHash,
  toStorable,
  verifyChain,
  type ChainedFields,
  type StoredEntry,
} from './chain.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('orders integer-like keys as strings, not in JavaScript property order', () => {
    expect(canonicalJson({ 10: 'x', 9: 'y', a: 'z' })).toBe('{"10":"x","9":"y","a":"z"}');
  });

  it('encodes dates as ISO-8601 UTC with milliseconds', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) })).toBe('{"at":"2026-01-02T03:04:05.006Z"}');
  });

  it('keeps non-ASCII text as characters, so the same text always encodes the same way', () => {
    expect(canonicalJson({ 名称: '成都市 🏙', e: 'é' })).toBe('{"e":"é","名称":"成都市 🏙"}');
    // Precomposed and decomposed é are different strings and stay different (no silent normalisation).
    expect(canonicalJson('\u00e9')).not.toBe(canonicalJson('e\u0301'));
  });

  it('drops undefined properties, encodes undefined values as null, refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined])).toBe('[null]');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/cannot encode bigint/);
  });
});

describe('toStorable', () => {
  it('replaces NUL and unpaired surrogates (refused by PostgreSQL) in keys and values, keeps pairs', () => {
    expect(toStorable({ 'k\u0000': ['a\u0000b', '\uD83C', '\uDFD9x', '🏙'], n: 1, d: null })).toEqual({
      'k\uFFFD': ['a\uFFFDb', '\uFFFD', '\uFFFDx', '🏙'],
      n: 1,
      d: null,
    });
  });

  it('leaves dates alone', () => {
    const at = new Date(0);
    expect(toStorable({ at }).at).toBe(at);
  });
});

function fields(seq: number, prevHash: string, over: Partial<ChainedFields> = {}): ChainedFields {
  return {
    seq,
    at: new Date(Date.UTC(2026, 4, 1, 8, 0, seq)),
    jurisdictionId: 'chengdu.gov.cn',
    actorKind: 'user',
    actorId: `u${seq}`,
    actorName: '张三',
    action: 'work_order.create',
    objectType: 'work_order',
    objectId: `WO-${seq}`,
    ip: '127.0.0.1',
    requestId: `req-${seq}`,
    purpose: null,
    details: { seq, note: '路灯不亮' },
    prevHash,
    ...over,
  };
}

function chain(n: number): StoredEntry[] {
  const out: StoredEntry[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const f = fields(seq, prev);
    const e = { ...f, hash: entryHash(f) };
    out.push(e);
    prev = e.hash;
  }
  return out;
}

const headOf = (entries: StoredEntry[]) => {
  const last = entries[entries.length - 1]!;
  return { seq: last.seq, hash: last.hash };
};

describe('entryHash', () => {
  // The expected value was computed independently (Python: json.dumps(sort_keys=True, separators=(',', ':'),
  // ensure_ascii=False) and SHA-256 over UTF-8).
  it('is pinned: a change to the encoding would break every stored chain', () => {
    expect(entryHash(fields(1, GENESIS))).toBe('2f3555403881a69f5fcac9685063004a19bc8d27bfaa7a1e1af925944be3de1d');
  });

  it('covers every field', () => {
    const base = fields(1, GENESIS);
    const h = entryHash(base);
    for (const [key, value] of Object.entries({
      seq: 2,
      at: new Date(0),
      jurisdictionId: null,
      actorKind: 'system',
      actorId: 'other',
      actorName: '李四',
      action: 'x',
      objectType: 'y',
      objectId: 'z',
      ip: '10.0.0.1',
      requestId: 'r',
      purpose: 'investigation',
      details: { seq: 1, note: '路灯不亮 ' },
      prevHash: 'f'.repeat(64),
    })) {
      expect(entryHash({ ...base, [key]: value }), key).not.toBe(h);
    }
  });

  it('is SHA-256 over canonicalJson of the object of the chained fields (what entryHash writes without building it)', () => {
    const reference = (f: ChainedFields) =>
      createHash('sha256')
        .update(canonicalJson({ seq: f.seq, at: f.at.toISOString(), jurisdictionId: f.jurisdictionId, actorKind: f.actorKind, actorId: f.actorId, actorName: f.actorName, action: f.action, objectType: f.objectType, objectId: f.objectId, ip: f.ip, requestId: f.requestId, purpose: f.purpose, details: f.details, prevHash: f.prevHash }))
        .digest('hex');
    const base = fields(7, 'a'.repeat(64));
    const variants: ChainedFields[] = [
      base,
      { ...base, jurisdictionId: null, actorId: null, actorName: null, objectType: null, objectId: null, ip: null, requestId: null, purpose: null, details: {} },
      { ...base, details: { z: [1, { b: 'é', a: null }], 10: '成都', 9: true, nested: { y: -0.5, x: 1e21 } } },
      { ...base, details: [3, 'x', { b: 1, a: 2 }] },
      // Not what a stored row holds, but the object encoding drops undefined properties: so must the fast path.
      { ...base, purpose: undefined as unknown as null, actorName: undefined as unknown as null },
    ];
    for (const f of variants) expect(entryHash(f)).toBe(reference(f));
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const entries = chain(5);
    expect(verifyChain(entries, headOf(entries))).toBeNull();
    expect(verifyChain([], null)).toBeNull();
  });

  it('detects an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, actorName: 'mallory' };
    expect(verifyChain(entries, headOf(entries))).toEqual({ kind: 'hash_mismatch', seq: 3 });
  });

  it('detects an edited and re-hashed entry at the next link', () => {
    const entries = chain(5);
    const forged = { ...entries[2]!, actorName: 'mallory' };
    entries[2] = { ...forged, hash: entryHash(forged) };
    expect(verifyChain(entries, headOf(chain(5)))).toEqual({ kind: 'broken_link', seq: 4 });
  });

  it('detects a deleted entry, including the first', () => {
    const entries = chain(5);
    expect(verifyChain([...entries.slice(0, 2), ...entries.slice(3)], headOf(entries))).toEqual({
      kind: 'gap',
      seq: 3,
      foundSeq: 4,
    });
    expect(verifyChain(entries.slice(1), headOf(entries))).toEqual({ kind: 'gap', seq: 1, foundSeq: 2 });
  });

  it('detects an inserted entry that renumbers the rest', () => {
    const entries = chain(5);
    const inserted = fields(3, entries[1]!.hash, { action: 'forged' });
    const shifted = entries.slice(2).map((e) => ({ ...e, seq: e.seq + 1 }));
    const forged = [...entries.slice(0, 2), { ...inserted, hash: entryHash(inserted) }, ...shifted];
    expect(verifyChain(forged, { seq: 6, hash: shifted[2]!.hash })).toEqual({ kind: 'hash_mismatch', seq: 4 });
  });

  it('detects a removed tail, an entry past the head and a replaced head', () => {
    const entries = chain(5);
    expect(verifyChain(entries.slice(0, 3), headOf(entries))).toEqual({ kind: 'truncated', seq: 4 });
    expect(verifyChain(entries, { seq: 4, hash: entries[3]!.hash })).toEqual({ kind: 'unanchored', seq: 5 });
    expect(verifyChain(entries, null)).toEqual({ kind: 'unanchored', seq: 1 });
    expect(verifyChain(entries, { seq: 5, hash: 'f'.repeat(64) })).toEqual({ kind: 'head_mismatch', seq: 5 });
  });

  it('verifies a suffix from a trusted starting point, streamed one entry at a time', () => {
    const entries = chain(6);
    const v = new ChainVerifier({ seq: 3, hash: entries[2]!.hash });
    for (const e of entries.slice(3)) expect(v.push(e)).toBeNull();
    expect(v.count).toBe(3);
    expect(v.finish(headOf(entries))).toBeNull();
    expect(new ChainVerifier({ seq: 3, hash: GENESIS }).push(entries[3]!)).toEqual({ kind: 'broken_link', seq: 4 });
  });
});
