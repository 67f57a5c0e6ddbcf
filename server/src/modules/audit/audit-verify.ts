/**
 * Verifying the stored audit chain: what is pending is chained first (so the check covers every entry committed
 * before it started), then entries are read in pages of `pageSize` (memory stays bounded however long the log is)
 * and checked by the pure ChainVerifier. Entries appended while a verification runs are outside the head it
 * started from and are left for the next run.
 */
import type { AuditVerification } from '@civicgrid/contracts/audit';
import type { Db } from '../../app-context.js';
import { GENESIS, ChainVerifier, type ChainProblem } from './chain.js';
import { findEntryBySeq, findHeadAndMaxSeq, listChainPage } from './audit.repo.js';
import { chainAuditLog } from './chainer.js';

export type { AuditVerification };

export interface VerifyOptions {
  /** Verify from this entry on, trusting the stored hash of the entry before it (default: the whole log). */
  fromSeq?: number;
  pageSize?: number;
  /** Chain what is pending before checking (default true); false checks the chain exactly as stored. */
  chainPending?: boolean;
}

export async function verifyAuditLog(db: Db, options: VerifyOptions = {}): Promise<AuditVerification> {
  const pageSize = Math.max(1, Math.min(options.pageSize ?? 1_000, 10_000));
  const fromSeq = Math.max(1, Math.floor(options.fromSeq ?? 1));
  if (options.chainPending !== false) await chainAuditLog(db);
  const { head, maxSeq } = await findHeadAndMaxSeq(db);
  const headSeq = head?.seq ?? 0;
  const bad = (p: ChainProblem, entries: number): AuditVerification => ({
    ok: false,
    firstBadSeq: p.seq,
    problem: p.kind,
    entries,
  });
  if (maxSeq > headSeq) return bad({ kind: 'unanchored', seq: headSeq + 1 }, 0);
  if (fromSeq > headSeq + 1) return { ok: true, entries: 0, head };

  let start = { seq: 0, hash: GENESIS };
  if (fromSeq > 1) {
    const before = await findEntryBySeq(db, fromSeq - 1);
    if (!before) return bad({ kind: 'gap', seq: fromSeq - 1, foundSeq: fromSeq }, 0);
    start = { seq: before.seq, hash: before.hash };
  }
  const verifier = new ChainVerifier(start);
  let after = start.seq;
  for (;;) {
    const page = await listChainPage(db, after, headSeq, pageSize);
    for (const entry of page) {
      const problem = verifier.push(entry);
      if (problem) return bad(problem, verifier.count);
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq;
  }
  const problem = verifier.finish(head);
  return problem ? bad(problem, verifier.count) : { ok: true, entries: verifier.count, head };
}
