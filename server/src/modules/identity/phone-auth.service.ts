/**
 * Residents sign in with their mainland mobile number and a six-digit one-time code.
 *
 * - The code is drawn from a CSPRNG, stored only as an HMAC bound to the phone, lives 5 minutes and allows 5
 *   attempts; a new code retires the old one; one code per phone per minute (plus a per-IP bound in the routes).
 * - The answer to "send me a code" is the same whether or not the number has an account.
 * - The first successful sign-in creates the resident user (role resident, scope self); later ones reuse it.
 * - The number is stored encrypted plus an HMAC for lookup (phone-crypto.ts), never in plain text, and appears
 *   masked in every answer and audit entry.
 * - Every failure (no code, expired, used up, wrong, disabled account) is the same 401 `phone.invalid_code`.
 */
import type { Db } from '../../app-context.js';
import type { Actor } from '../../shared/actor.js';
import { AppError, badRequest } from '../../shared/errors.js';
import { translate, type Locale } from '../../shared/i18n.js';
import { recordAudit } from '../audit/index.js';
import type { Notifier } from '../messages/index.js';
import { openSession, type LoginMeta, type LoginResult, type SessionPolicy } from './auth.service.js';
import * as repo from './identity.repo.js';
import { codeDigest, codeMatches, maskPhone, newPhoneCode, normalisePhone, phoneLookup, residentUsername, sealPersonal } from './phone-crypto.js';
import * as phoneRepo from './phone-auth.repo.js';
import type { ServiceContext } from './users.service.js';

export interface PhoneCodePolicy {
  codeTtlMs: number;
  maxAttempts: number;
  /** Minimum time between two codes for the same phone. */
  resendMs: number;
}

export const DEFAULT_PHONE_CODE_POLICY: PhoneCodePolicy = { codeTtlMs: 5 * 60_000, maxAttempts: 5, resendMs: 60_000 };

/** The retention sweep of phone_codes (see prunePhoneCodes). */
export const PHONE_CODE_SWEEP = 'identity.phone-codes';
/** The timer that pruned codes before PHONE_CODE_SWEEP; no longer scheduled, handled for one release (index.ts). */
export const PRUNE_PHONE_CODES = 'identity.prune-phone-codes';
/** Codes older than this are deleted (far beyond any code's life; kept a while for the per-phone limit and support). */
export const PHONE_CODE_RETENTION_MS = 24 * 3600_000;

/** Deletes up to `limit` codes issued more than PHONE_CODE_RETENTION_MS before `now`, oldest first. */
export async function prunePhoneCodes(db: Db, now: Date, limit: number): Promise<number> {
  return phoneRepo.deleteCodesBefore(db, new Date(now.getTime() - PHONE_CODE_RETENTION_MS), limit);
}

/** Not a PHC string, so no password ever verifies against it: phone users cannot sign in with a password. */
export const NO_PASSWORD = '!phone-sign-in-only';

export interface PhoneAuthDeps {
  ctx: ServiceContext & { config: { secretKey: string } };
  notifier: Notifier;
  policy: PhoneCodePolicy;
  session: SessionPolicy;
  now?: () => Date;
}

export const invalidCode = () => new AppError('unauthenticated', 'phone.invalid_code');

const anonymous = (jurisdictionId: string): Actor => ({ kind: 'anonymous', id: null, name: 'phone', jurisdictionId });

async function resolveJurisdiction(db: Db, given: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (!(await repo.jurisdictionExists(db, given))) throw badRequest('phone.jurisdiction_unknown');
    return given;
  }
  const ids = await phoneRepo.someJurisdictionIds(db);
  if (ids.length !== 1) throw badRequest('phone.jurisdiction_required');
  return ids[0]!;
}

export interface CodeIssued {
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

export async function requestPhoneCode(
  deps: PhoneAuthDeps,
  input: { phone: string; jurisdiction?: string },
  meta: LoginMeta,
  locale: Locale = 'zh-CN',
): Promise<CodeIssued> {
  const { ctx, policy } = deps;
  const phone = normalisePhone(input.phone);
  if (!phone) throw badRequest('phone.invalid_number');
  const jurisdictionId = await resolveJurisdiction(ctx.db, input.jurisdiction);
  const secret = ctx.config.secretKey;
  const phoneHmac = phoneLookup(secret, phone);
  const now = deps.now?.() ?? new Date();
  await ctx.db.transaction().execute(async (tx) => {
    await phoneRepo.lockPhone(tx, phoneHmac);
    const last = await phoneRepo.latestCodeAt(tx, jurisdictionId, phoneHmac);
    if (last && now.getTime() - last.getTime() < policy.resendMs) {
      const wait = Math.max(1, Math.ceil((last.getTime() + policy.resendMs - now.getTime()) / 1000));
      throw new AppError('rate_limited', 'phone.code_rate_limited', { retryAfterSeconds: wait }, { retryAfterSeconds: wait, scope: 'phone' });
    }
    const code = newPhoneCode();
    const expiresAt = new Date(now.getTime() + policy.codeTtlMs);
    await phoneRepo.insertCode(tx, { jurisdictionId, phoneHmac, codeHmac: codeDigest(secret, phoneHmac, code), expiresAt, ip: meta.ip, now });
    const minutes = Math.round(policy.codeTtlMs / 60_000);
    await deps.notifier.send(tx, { jurisdictionId, channel: 'sms', to: phone, purpose: 'phone_code', body: translate(locale, 'messages.sms.phone_code', { code, minutes }) });
    await recordAudit(tx, { actor: anonymous(jurisdictionId), request: meta, action: 'auth.phone_code_sent', jurisdictionId, objectType: 'phone', details: { phone: maskPhone(phone), expiresAt: expiresAt.toISOString() } });
    await ctx.outbox.publish(tx, { name: 'auth.phone_code_sent', jurisdictionId, payload: { channel: 'sms' } });
  });
  return { expiresInSeconds: Math.round(policy.codeTtlMs / 1000), resendAfterSeconds: Math.round(policy.resendMs / 1000) };
}

export interface PhoneLoginResult extends LoginResult {
  phoneMasked: string;
}

export async function phoneLogin(
  deps: PhoneAuthDeps,
  input: { phone: string; code: string; jurisdiction?: string },
  meta: LoginMeta,
): Promise<PhoneLoginResult> {
  const { ctx, policy } = deps;
  const phone = normalisePhone(input.phone);
  if (!phone || !/^\d{6}$/.test(input.code)) throw invalidCode();
  const jurisdictionId = await resolveJurisdiction(ctx.db, input.jurisdiction);
  const secret = ctx.config.secretKey;
  const phoneHmac = phoneLookup(secret, phone);
  const masked = maskPhone(phone);
  const last4 = phone.slice(-4);
  const now = deps.now?.() ?? new Date();
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const refuse = async (reason: string, userId: string | null = null) => {
      await recordAudit(tx, {
        actor: anonymous(jurisdictionId),
        request: meta,
        action: 'auth.login_failed',
        jurisdictionId,
        objectType: userId ? 'user' : 'phone',
        objectId: userId,
        details: { method: 'phone', phone: masked, reason },
      });
      return null;
    };
    const row = await phoneRepo.lockLiveCode(tx, jurisdictionId, phoneHmac);
    if (!row) return refuse('no_code');
    if (new Date(row.expires_at).getTime() <= now.getTime()) return refuse('expired');
    if (row.attempts >= policy.maxAttempts) return refuse('attempts_exhausted');
    if (!codeMatches(secret, phoneHmac, input.code, row.code_hmac)) {
      await phoneRepo.countAttempt(tx, row.id, row.attempts + 1);
      return refuse('wrong_code');
    }
    await phoneRepo.consumeCode(tx, row.id, now);
    let userId = await phoneRepo.findUserIdByPhone(tx, jurisdictionId, phoneHmac);
    if (!userId) userId = await createResident(deps, tx, { jurisdictionId, phone, phoneHmac, last4, meta });
    const user = await repo.findUserById(tx, userId);
    if (!user || user.status !== 'active') return refuse('disabled', userId);
    return openSession(ctx, tx, user, meta, deps.session, now, 'phone');
  });
  if (!outcome) throw invalidCode();
  return { ...outcome, phoneMasked: `****${last4}` };
}

async function createResident(
  deps: PhoneAuthDeps,
  tx: Db,
  v: { jurisdictionId: string; phone: string; phoneHmac: string; last4: string; meta: LoginMeta },
): Promise<string> {
  const { ctx } = deps;
  // 10 hex digits of the HMAC; on the (unlikely) clash with another user take more digits.
  let username = residentUsername(v.phoneHmac);
  for (let n = 12; (await repo.usernameTaken(tx, username)) && n <= 40; n += 2) username = `r${v.phoneHmac.slice(0, n)}`;
  const displayName = `居民 ****${v.last4}`;
  const userId = await repo.insertUser(tx, { jurisdictionId: v.jurisdictionId, username, displayName, departmentId: null, passwordHash: NO_PASSWORD, mustChangePassword: false });
  await repo.insertGrant(tx, { jurisdictionId: v.jurisdictionId, userId, role: 'resident', scopeKind: 'self', departmentId: null, gridCodes: [] });
  await phoneRepo.insertUserPhone(tx, { userId, jurisdictionId: v.jurisdictionId, phoneHmac: v.phoneHmac, phoneEnc: sealPersonal(ctx.config.secretKey, v.phone), last4: v.last4 });
  const actor: Actor = { kind: 'user', id: userId, name: username, jurisdictionId: v.jurisdictionId };
  const details = { username, displayName, via: 'phone', phone: maskPhone(v.phone), grants: [{ role: 'resident', scope: { kind: 'self' } }] };
  await recordAudit(tx, { actor, request: v.meta, action: 'user.create', jurisdictionId: v.jurisdictionId, objectType: 'user', objectId: userId, details });
  await ctx.outbox.publish(tx, { name: 'user.created', jurisdictionId: v.jurisdictionId, payload: { userId, username, via: 'phone' } });
  return userId;
}

/** The signed-in user's phone, masked (****1234), or null for users without one. */
export async function myPhone(ctx: ServiceContext, userId: string): Promise<string | null> {
  const last4 = await phoneRepo.phoneLast4(ctx.db, userId);
  return last4 ? `****${last4}` : null;
}

/**
 * The phone lookup HMAC (phoneLookup) of the number the user proved to own by signing in with a code, or null for
 * users without one. Other modules match it against the HMACs they store, e.g. a resident's earlier reports.
 */
export async function verifiedPhoneLookup(db: Db, userId: string): Promise<string | null> {
  return phoneRepo.phoneHmacOf(db, userId);
}
