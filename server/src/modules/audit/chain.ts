/**
 * The audit hash chain, as pure functions. An entry's hash is SHA-256 over a canonical encoding of all its
 * fields and the previous entry's hash: JSON with object keys sorted at every depth, timestamps as ISO-8601
 * with milliseconds, absent values as null. The first entry's prev_hash is GENESIS.
 */
import { hash } from 'node:crypto';

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

/**
 * JSON with sorted keys at every depth; rejects values JSON cannot represent faithfully. Written as loops over
 * `Object.keys(…).sort()` (the default sort compares UTF-16 code units, as `<` does) because the chainer and the
 * verifier encode every entry: the same output as mapping, filtering and joining, with fewer arrays made per object.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * The chained fields' keys as canonicalJson writes them (`"key":`), in its order (sorted), with how to read each
 * field: entryHash writes the encoding of the object {seq, at (ISO string), …, prevHash} without building and
 * sorting that object for every entry. chain.test.ts checks it against canonicalJson of the object.
 */
const HASHED_FIELDS: ReadonlyArray<readonly [string, (f: ChainedFields) => unknown]> = (
  [
    ['seq', (f) => f.seq],
    ['at', (f) => f.at.toISOString()],
    ['jurisdictionId', (f) => f.jurisdictionId],
    ['actorKind', (f) => f.actorKind],
    ['actorId', (f) => f.actorId],
    ['actorName', (f) => f.actorName],
    ['action', (f) => f.action],
    ['objectType', (f) => f.objectType],
    ['objectId', (f) => f.objectId],
    ['ip', (f) => f.ip],
    ['requestId', (f) => f.requestId],
    ['purpose', (f) => f.purpose],
    ['details', (f) => f.details],
    ['prevHash', (f) => f.prevHash],
  ] as Array<[string, (f: ChainedFields) => unknown]>
)
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([key, read]) => [`${JSON.stringify(key)}:`, read] as const);

/** Hashes exactly the chained fields (a stored entry's own `hash`, or any extra property, is not covered). */
export function entryHash(f: ChainedFields): string {
  let encoded = '{';
  for (const [key, read] of HASHED_FIELDS) {
    const v = read(f);
    if (v === undefined) continue;
    if (encoded.length > 1) encoded += ',';
    encoded += key + canonicalJson(v);
  }
  return hash('sha256', `${encoded}}`, 'hex');
}

export interface StoredEntry extends ChainedFields {
  hash: string;
}

/**
 * Makes a value storable as-is in PostgreSQL text and jsonb, which reject NUL and unpaired UTF-16 surrogates:
 * both become U+FFFD, in keys and values at every depth. What is hashed is then exactly what is read back.
 */
export function toStorable<T>(value: T): T {
  if (typeof value === 'string') return storableString(value) as T;
  if (Array.isArray(value)) return value.map(toStorable) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    // A loop rather than Object.fromEntries(Object.entries(…).map(…)): every audited write passes here.
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(object)) out[storableString(k)] = toStorable(object[k]);
    return out as T;
  }
  return value;
}

// eslint-disable-next-line no-control-regex
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

function storableString(s: string): string {
  // Most strings have neither NUL nor any surrogate: one cheap scan, and the replacement only when needed.
  if (!MAYBE_UNSTORABLE.test(s)) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * What is wrong, at the first entry where the chain breaks (`seq`):
 * - hash_mismatch: the entry's content no longer matches its hash (edited);
 * - broken_link: its prev_hash is not the previous entry's hash (a neighbour was replaced or re-hashed);
 * - gap: entry `seq` is missing (deleted), the next one present is `foundSeq`;
 * - truncated: entries end before the head — `seq` and after were deleted;
 * - unanchored: entries exist past the head (appended outside the application);
 * - head_mismatch: the last entry is not the one the head records.
 */
export type ChainProblem =
  | { kind: 'hash_mismatch'; seq: number }
  | { kind: 'broken_link'; seq: number }
  | { kind: 'gap'; seq: number; foundSeq: number }
  | { kind: 'truncated'; seq: number }
  | { kind: 'unanchored'; seq: number }
  | { kind: 'head_mismatch'; seq: number };

export interface ChainPoint {
  seq: number;
  hash: string;
}

/**
 * Checks a chain one entry at a time (entries in seq order), so a caller can stream millions of entries in
 * pages. `start` is the entry just before the first one pushed (GENESIS at seq 0 for a full check).
 */
export class ChainVerifier {
  #expectedSeq: number;
  #prevHash: string;
  #count = 0;

  constructor(start: ChainPoint = { seq: 0, hash: GENESIS }) {
    this.#expectedSeq = start.seq + 1;
    this.#prevHash = start.hash;
  }

  /** Entries accepted so far. */
  get count(): number {
    return this.#count;
  }

  push(e: StoredEntry): ChainProblem | null {
    if (e.seq !== this.#expectedSeq) {
      return e.seq > this.#expectedSeq
        ? { kind: 'gap', seq: this.#expectedSeq, foundSeq: e.seq }
        : { kind: 'broken_link', seq: e.seq };
    }
    if (entryHash(e) !== e.hash) return { kind: 'hash_mismatch', seq: e.seq };
    if (e.prevHash !== this.#prevHash) return { kind: 'broken_link', seq: e.seq };
    this.#prevHash = e.hash;
    this.#expectedSeq++;
    this.#count++;
    return null;
  }

  /** After the last entry: the chain must end exactly at the head (none: no entry may exist). */
  finish(head: ChainPoint | null): ChainProblem | null {
    const lastSeq = this.#expectedSeq - 1;
    const headSeq = head?.seq ?? 0;
    if (headSeq > lastSeq) return { kind: 'truncated', seq: lastSeq + 1 };
    if (headSeq < lastSeq) return { kind: 'unanchored', seq: headSeq + 1 };
    if (head && head.hash !== this.#prevHash) return { kind: 'head_mismatch', seq: head.seq };
    return null;
  }
}

/**
 * Walks entries in seq order and returns the first problem: an edited row (its hash no longer matches),
 * an inserted or deleted row (a link or the sequence breaks), or a removed tail (the head disagrees).
 */
export function verifyChain(
  entries: Iterable<StoredEntry>,
  head: ChainPoint | null,
  start: ChainPoint = { seq: 0, hash: GENESIS },
): ChainProblem | null {
  const verifier = new ChainVerifier(start);
  for (const e of entries) {
    const problem = verifier.push(e);
    if (problem) return problem;
  }
  return verifier.finish(head);
}
