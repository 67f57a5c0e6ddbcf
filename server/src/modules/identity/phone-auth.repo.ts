/** SQL for phone sign-in: one-time codes and the encrypted phone numbers of resident users. */
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../app-context.js';
import type { PhoneCodesTable } from '../../db/schema.js';

export type PhoneCodeRow = Selectable<PhoneCodesTable>;

/** Serialises code issuing for one phone until the transaction ends (two racing requests cannot both pass the resend limit). */
export async function lockPhone(tx: Db, phoneHmac: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`phone:${phoneHmac}`}, 0))`.execute(tx);
}

/** The newest code issued for a phone in a jurisdiction (used or not), for the per-phone resend limit. */
export async function latestCodeAt(db: Db, jurisdictionId: string, phoneHmac: string): Promise<Date | null> {
  const row = await db
    .selectFrom('phone_codes')
    .select('created_at')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('phone_hmac', '=', phoneHmac)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? new Date(row.created_at) : null;
}

/** Issuing a new code retires every earlier unused one for that phone. */
export async function insertCode(
  tx: Db,
  values: { jurisdictionId: string; phoneHmac: string; codeHmac: string; expiresAt: Date; ip: string | null; now: Date },
): Promise<void> {
  await tx
    .updateTable('phone_codes')
    .set({ consumed_at: values.now })
    .where('jurisdiction_id', '=', values.jurisdictionId)
    .where('phone_hmac', '=', values.phoneHmac)
    .where('consumed_at', 'is', null)
    .execute();
  await tx
    .insertInto('phone_codes')
    .values({ jurisdiction_id: values.jurisdictionId, phone_hmac: values.phoneHmac, code_hmac: values.codeHmac, expires_at: values.expiresAt, ip: values.ip, created_at: values.now })
    .execute();
}

/** The live (unused) code for a phone, locked for the check-and-count. */
export async function lockLiveCode(tx: Db, jurisdictionId: string, phoneHmac: string): Promise<PhoneCodeRow | undefined> {
  return tx
    .selectFrom('phone_codes')
    .selectAll()
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('phone_hmac', '=', phoneHmac)
    .where('consumed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function countAttempt(tx: Db, id: string, attempts: number): Promise<void> {
  await tx.updateTable('phone_codes').set({ attempts }).where('id', '=', id).execute();
}

export async function consumeCode(tx: Db, id: string, at: Date): Promise<void> {
  await tx.updateTable('phone_codes').set({ consumed_at: at }).where('id', '=', id).execute();
}

export async function findUserIdByPhone(db: Db, jurisdictionId: string, phoneHmac: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_phones')
    .select('user_id')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('phone_hmac', '=', phoneHmac)
    .executeTakeFirst();
  return row?.user_id;
}

export async function insertUserPhone(
  tx: Db,
  values: { userId: string; jurisdictionId: string; phoneHmac: string; phoneEnc: string; last4: string },
): Promise<void> {
  await tx
    .insertInto('user_phones')
    .values({ user_id: values.userId, jurisdiction_id: values.jurisdictionId, phone_hmac: values.phoneHmac, phone_enc: values.phoneEnc, phone_last4: values.last4 })
    .execute();
}

/** The lookup HMAC of the user's verified number (a row exists only after a successful code sign-in), or null. */
export async function phoneHmacOf(db: Db, userId: string): Promise<string | null> {
  const row = await db.selectFrom('user_phones').select('phone_hmac').where('user_id', '=', userId).executeTakeFirst();
  return row?.phone_hmac ?? null;
}

export async function phoneLast4(db: Db, userId: string): Promise<string | null> {
  const row = await db.selectFrom('user_phones').select('phone_last4').where('user_id', '=', userId).executeTakeFirst();
  return row?.phone_last4 ?? null;
}

/** Jurisdiction ids (at most two: the caller only needs to know whether there is exactly one). */
export async function someJurisdictionIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('jurisdictions').select('id').orderBy('id').limit(2).execute();
  return rows.map((r) => r.id);
}

/**
 * Forgets up to `limit` codes issued before `before` (used, expired or not: by then all are dead), oldest first. The
 * outer condition is checked again on the row it deletes, as every retention sweep does.
 */
export async function deleteCodesBefore(db: Db, before: Date, limit: number): Promise<number> {
  const r = await sql`
    DELETE FROM phone_codes
     WHERE id IN (SELECT id FROM phone_codes WHERE created_at < ${before} ORDER BY created_at LIMIT ${limit})
       AND created_at < ${before}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
