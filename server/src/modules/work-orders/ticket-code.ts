/**
 * Human ticket codes: jurisdiction prefix + the day in Asia/Shanghai + a 6-digit daily sequence, e.g.
 * CD20261122000123 — what a resident reads out on the phone and types on the tracking page. The day is the local
 * one (China keeps UTC+8 all year), so an order reported at 00:30 in Chengdu carries that day's date.
 */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';
import { AppError } from '../../shared/errors.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.repo.js';
import { findTicketPrefix, nextDailySequence, upsertTicketPrefix } from './work-orders.repo.js';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Used until an administrator sets the jurisdiction's own prefix (工单). */
export const DEFAULT_TICKET_PREFIX = 'GD';
export const TICKET_CODE_PATTERN = /^([A-Z]{1,4})(\d{4})(\d{2})(\d{2})(\d{6})$/;

/** The local (Asia/Shanghai) calendar day of an instant, as 'YYYY-MM-DD'. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function formatTicketCode(prefix: string, day: string, sequence: number): string {
  if (!/^[A-Z]{1,4}$/.test(prefix)) throw new RangeError(`bad ticket prefix ${prefix}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`bad day ${day}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) throw new RangeError(`bad sequence ${sequence}`);
  return `${prefix}${day.replaceAll('-', '')}${String(sequence).padStart(6, '0')}`;
}

export function parseTicketCode(code: string): { prefix: string; day: string; sequence: number } | null {
  const m = TICKET_CODE_PATTERN.exec(code.trim().toUpperCase());
  if (!m) return null;
  return { prefix: m[1]!, day: `${m[2]}-${m[3]}-${m[4]}`, sequence: Number(m[5]) };
}

/**
 * Allocates the next code for this jurisdiction and day. The counter row is locked only until the statement's
 * transaction ends: the create path calls this with the database itself (autocommit, before its own transaction),
 * so concurrent creates wait on the counter for one statement, not for a whole create. Codes are unique and
 * increasing; a create that fails after taking its code leaves that number unused (a gap in the day's numbers).
 * `prefix` saves reading the jurisdiction's settings when the caller has them.
 */
export async function allocateTicketCode(db: Db, jurisdictionId: string, now: Date, prefix?: string): Promise<string> {
  const chosen = prefix ?? (await findTicketPrefix(db, jurisdictionId)) ?? DEFAULT_TICKET_PREFIX;
  const day = shanghaiDay(now);
  const sequence = await nextDailySequence(db, jurisdictionId, day);
  if (sequence === undefined) throw new AppError('unavailable', 'work_order.codes_exhausted', { day });
  return formatTicketCode(chosen, day, sequence);
}

/**
 * The create path's allocation: one statement that takes the next number unless the Idempotency-Key already has a
 * live answer (a retry, which takes none: `null`).
 */
export async function allocateUnlessRetry(db: Db, jurisdictionId: string, now: Date, prefix: string, idempotency?: { scope: string; key: string }): Promise<string | null> {
  const day = shanghaiDay(now);
  const live = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const { rows } = await sql<{ seq: number | null; retry: boolean }>`
    WITH k AS (
      SELECT 1 FROM idempotency_keys WHERE scope = ${idempotency?.scope ?? ''} AND key = ${idempotency?.key ?? ''} AND created_at >= ${live}
    ), c AS (
      INSERT INTO work_order_code_counters (jurisdiction_id, day, last_seq)
      SELECT ${jurisdictionId}, ${day}, 1 WHERE NOT EXISTS (SELECT 1 FROM k)
      ON CONFLICT (jurisdiction_id, day) DO UPDATE SET last_seq = work_order_code_counters.last_seq + 1
        WHERE work_order_code_counters.last_seq < 999999
      RETURNING last_seq
    )
    SELECT (SELECT last_seq FROM c) AS seq, EXISTS (SELECT 1 FROM k) AS retry`.execute(db);
  const { seq, retry } = rows[0]!;
  if (retry) return null;
  if (seq === null) throw new AppError('unavailable', 'work_order.codes_exhausted', { day });
  return formatTicketCode(prefix, day, seq);
}

/** Sets the jurisdiction's prefix (1–4 capital letters, e.g. CD for Chengdu); codes already issued keep theirs. */
export async function setTicketPrefix(tx: Db, jurisdictionId: string, prefix: string): Promise<void> {
  if (!/^[A-Z]{1,4}$/.test(prefix)) throw new AppError('bad_request', 'work_order.ticket_prefix_invalid', { prefix });
  await upsertTicketPrefix(tx, jurisdictionId, prefix);
}
