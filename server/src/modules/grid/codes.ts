/**
 * Grid code assignment — the pure core of numbering unit grids. A code is county (6) + street (3) +
 * community (3) + sequence (2, 01–99; "00" is the whole community).
 *
 * Per community, in this order:
 * 1. a code given in the file is kept (a second feature with the same code is rejected);
 * 2. an unchanged grid — same community and same geometry hash as a grid already stored — keeps its code
 *    (and its row, so its responsible people stay);
 * 3. the rest are numbered in reading order — rows north→south, west→east within a row — starting after the
 *    highest sequence the community has ever had in the stored layer, so a removed grid's code is not
 *    given to a different area; only when that passes 99 are free lower numbers used.
 * Rows: bounding-box centres are banded by the median grid height, so a lattice of cells (even clipped ones)
 * numbers row by row.
 */

export interface Candidate {
  index: number;
  code: string | null;
  communityCode: string;
  hash: string;
  cx: number;
  cy: number;
  height: number;
}

export interface StoredGrid {
  id: string;
  code: string;
  communityCode: string;
  hash: string;
}

export interface Assignment {
  index: number;
  code: string;
  /** The stored grid this feature replaces or keeps (same code), when there is one. */
  keepId: string | null;
  unchanged: boolean;
}

export interface AssignmentResult {
  assigned: Assignment[];
  rejected: { index: number; reason: 'grid.code_duplicate' | 'grid.sequence_exhausted'; detail: string }[];
}

const range99 = () => Array.from({ length: 99 }, (_, i) => i + 1);
const seqOf = (code: string) => Number(code.slice(12));
const codeOf = (community: string, seq: number) => `${community}${String(seq).padStart(2, '0')}`;

/** Reading order: north→south rows, then west→east. Stable for equal keys (by index). */
export function readingOrder<T extends Pick<Candidate, 'index' | 'cx' | 'cy' | 'height'>>(items: readonly T[]): T[] {
  if (items.length === 0) return [];
  const heights = items.map((i) => i.height).filter((h) => h > 0).sort((a, b) => a - b);
  const band = heights.length > 0 ? heights[Math.floor(heights.length / 2)]! : 1;
  const top = Math.max(...items.map((i) => i.cy));
  const row = (i: T) => Math.round((top - i.cy) / band);
  return [...items].map((i) => ({ i, r: row(i) })).sort((a, b) => a.r - b.r || a.i.cx - b.i.cx || b.i.cy - a.i.cy || a.i.index - b.i.index).map((x) => x.i);
}

export function assignCodes(candidates: readonly Candidate[], stored: readonly StoredGrid[]): AssignmentResult {
  const result: AssignmentResult = { assigned: [], rejected: [] };
  const byCommunity = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byCommunity.get(c.communityCode);
    if (list) list.push(c);
    else byCommunity.set(c.communityCode, [c]);
  }
  const storedByCommunity = new Map<string, StoredGrid[]>();
  for (const s of stored) {
    const list = storedByCommunity.get(s.communityCode);
    if (list) list.push(s);
    else storedByCommunity.set(s.communityCode, [s]);
  }

  for (const [community, list] of [...byCommunity].sort(([a], [b]) => a.localeCompare(b))) {
    const previous = storedByCommunity.get(community) ?? [];
    const storedByCode = new Map(previous.map((s) => [s.code, s]));
    const taken = new Set<string>();
    const pending: Candidate[] = [];

    for (const c of list) {
      if (c.code === null) continue;
      if (taken.has(c.code)) {
        result.rejected.push({ index: c.index, reason: 'grid.code_duplicate', detail: c.code });
        continue;
      }
      taken.add(c.code);
      const s = storedByCode.get(c.code);
      result.assigned.push({ index: c.index, code: c.code, keepId: s?.id ?? null, unchanged: !!s && s.hash === c.hash });
    }

    // Unchanged grids: stored ones not claimed by a given code, matched by hash, first come first served.
    const byHash = new Map<string, StoredGrid[]>();
    for (const s of previous) {
      if (taken.has(s.code)) continue;
      const l = byHash.get(s.hash);
      if (l) l.push(s);
      else byHash.set(s.hash, [s]);
    }
    for (const c of list) {
      if (c.code !== null) continue;
      const match = byHash.get(c.hash)?.shift();
      if (match) {
        taken.add(match.code);
        result.assigned.push({ index: c.index, code: match.code, keepId: match.id, unchanged: true });
      } else pending.push(c);
    }

    let next = Math.max(0, ...previous.map((s) => seqOf(s.code)), ...[...taken].map(seqOf)) + 1;
    // Built when numbers past the highest run out: never-used numbers first, then those of removed grids.
    let spare: number[] | null = null;
    for (const c of readingOrder(pending)) {
      let seq: number | null = null;
      if (next <= 99) seq = next++;
      else {
        spare ??= [
          ...range99().filter((n) => !taken.has(codeOf(community, n)) && !storedByCode.has(codeOf(community, n))),
          ...range99().filter((n) => !taken.has(codeOf(community, n)) && storedByCode.has(codeOf(community, n))),
        ];
        seq = spare.shift() ?? null;
      }
      if (seq === null) {
        result.rejected.push({ index: c.index, reason: 'grid.sequence_exhausted', detail: community });
        continue;
      }
      const code = codeOf(community, seq);
      taken.add(code);
      const s = storedByCode.get(code);
      result.assigned.push({ index: c.index, code, keepId: s?.id ?? null, unchanged: false });
    }
  }
  result.assigned.sort((a, b) => a.index - b.index);
  return result;
}
