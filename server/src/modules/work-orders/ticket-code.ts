/**
 * Human ticket codes: jurisdiction prefix + the day in Asia/Shanghai + a 6-digit daily sequence, e.g.
 * CD20261122000123 — what a resident reads out on the phone and types on the tracking page. The day is the local
 * one (China keeps UTC+8 all year), so an order reported at 00:30 in Chengdu carries that day's date.
 */
import type { Db } from '../../app-context.js';
import { AppError } from '../../shared/errors.js';
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
 * transaction ends: called with the database itself (autocommit), concurrent allocations wait on the counter for
 * one statement. Codes are unique and increasing; a create that fails after taking its code leaves that number
 * unused (a gap in the day's numbers). `prefix` saves reading the jurisdiction's settings when the caller has them.
 * The create path takes its number in its read statement instead (repo.readIntake) and names it with takenTicketCode.
 */
export async function allocateTicketCode(db: Db, jurisdictionId: string, now: Date, prefix?: string): Promise<string> {
  const chosen = prefix ?? (await findTicketPrefix(db, jurisdictionId)) ?? DEFAULT_TICKET_PREFIX;
  const day = shanghaiDay(now);
  return takenTicketCode(chosen, day, (await nextDailySequence(db, jurisdictionId, day)) ?? null);
}

/** The code of a number taken for the day; none (null) means the day's 999,999 are used up. */
export function takenTicketCode(prefix: string, day: string, sequence: number | null): string {
  if (sequence === null) throw new AppError('unavailable', 'work_order.codes_exhausted', { day });
  return formatTicketCode(prefix, day, sequence);
}

/** Sets the jurisdiction's prefix (1–4 capital letters, e.g. CD for Chengdu); codes already issued keep theirs. */
export async function setTicketPrefix(tx: Db, jurisdictionId: string, prefix: string): Promise<void> {
  if (!/^[A-Z]{1,4}$/.test(prefix)) throw new AppError('bad_request', 'work_order.ticket_prefix_invalid', { prefix });
  await upsertTicketPrefix(tx, jurisdictionId, prefix);
}
