/**
 * The audit log (审计日志, /audit): the entries auditors query and the check of their hash chain. Built in
 * server/src/modules/audit (audit.presenter.ts, audit-verify.ts), described by audit.schema.ts; the console's
 * 审计日志 page reads them.
 */

/** Who acted: a signed-in user, an API key, the system itself, or nobody signed in. */
export const ACTOR_KINDS = ['user', 'api_key', 'system', 'anonymous'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** What the chain check can find wrong, at the first bad position. */
export const CHAIN_PROBLEMS = ['hash_mismatch', 'broken_link', 'gap', 'truncated', 'unanchored', 'head_mismatch'] as const;
export type ChainProblemKind = (typeof CHAIN_PROBLEMS)[number];

export interface AuditEntryView {
  /** Write order (the list cursor). */
  id: number;
  /** Position in the hash chain; null while the entry waits to be chained (well under a second). */
  seq: number | null;
  at: string;
  jurisdictionId: string | null;
  actor: { kind: ActorKind; id: string | null; name: string | null };
  action: string;
  object: { type: string | null; id: string | null };
  ip: string | null;
  requestId: string | null;
  purpose: string | null;
  details: Record<string, unknown>;
  prevHash: string | null;
  hash: string | null;
}

/** GET /audit: newest first; `nextCursor` asks for the next page (null at the end). */
export interface AuditPage {
  items: AuditEntryView[];
  nextCursor: string | null;
}

/** GET /audit/verify: the whole chain checked, or where it first fails (positions only). */
export type AuditVerification =
  | { ok: true; entries: number; head: { seq: number; hash: string } | null }
  | { ok: false; firstBadSeq: number; problem: ChainProblemKind; entries: number };
