/**
 * The audit hash chain, as pure functions. An entry's hash is SHA-256 over a canonical encoding of all its
 * fields and the previous entry's hash: JSON with object keys sorted at every depth, timestamps as ISO-8601
 * with milliseconds, absent values as null. The first entry's prev_hash is GENESIS.
 */
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: Date;
  jurisdictionId: string | null;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  requestId: string | null;
  purpose: string | null;
  details: unknown;
  prevHash: string;
}

/** JSON with sorted keys at every depth; rejects values JSON cannot represent faithfully. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
}

export function entryHash(fields: ChainedFields): string {
  const encoded = canonicalJson({ ...fields, at: fields.at.toISOString() });
  return createHash('sha256').update(encoded).digest('hex');
}

export interface StoredEntry extends ChainedFields {
  hash: string;
}

export type ChainProblem =
  | { kind: 'hash_mismatch'; seq: number }
  | { kind: 'broken_link'; seq: number }
  | { kind: 'gap'; seq: number; expectedSeq: number }
  | { kind: 'head_mismatch'; seq: number };

/**
 * Walks entries in seq order and returns the first problem: an edited row (its hash no longer matches),
 * an inserted or deleted row (a link or the sequence breaks), or a removed tail (the head disagrees).
 */
export function verifyChain(
  entries: Iterable<StoredEntry>,
  head: { seq: number; hash: string } | null,
  start: { seq: number; hash: string } = { seq: 0, hash: GENESIS },
): ChainProblem | null {
  let expectedSeq = start.seq + 1;
  let prevHash = start.hash;
  let last: StoredEntry | null = null;
  for (const e of entries) {
    if (e.seq !== expectedSeq) return { kind: 'gap', seq: e.seq, expectedSeq };
    if (e.prevHash !== prevHash) return { kind: 'broken_link', seq: e.seq };
    if (entryHash(e) !== e.hash) return { kind: 'hash_mismatch', seq: e.seq };
    prevHash = e.hash;
    expectedSeq++;
    last = e;
  }
  const lastSeq = last?.seq ?? start.seq;
  const lastHash = last?.hash ?? start.hash;
  if (head && (head.seq !== lastSeq || head.hash !== lastHash)) return { kind: 'head_mismatch', seq: head.seq };
  if (!head && lastSeq !== 0) return { kind: 'head_mismatch', seq: lastSeq };
  return null;
}
