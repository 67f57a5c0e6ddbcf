/**
 * Pure rules for credentials: password policy, lockout, the per-IP login limiter, token formats and the
 * CSRF token derivation. No database here; hashing (argon2id) is in passwords.ts.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PASSWORD_MAX, PASSWORD_MIN } from '@civicgrid/contracts/identity';

// ---- password policy ------------------------------------------------------------------------------------

// The bounds are the API's (contracts/src/identity.ts), so the console checks the same. PASSWORD_MAX: argon2 cost grows
// with input; a cap stops megabyte "passwords" from being a cheap denial of service.
export { PASSWORD_MAX, PASSWORD_MIN };

export type PasswordProblem = 'auth.password_too_short' | 'auth.password_too_long' | 'auth.password_equals_username';

export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN) return 'auth.password_too_short';
  if (password.length > PASSWORD_MAX) return 'auth.password_too_long';
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) return 'auth.password_equals_username';
  return null;
}

// ---- lockout ------------------------------------------------------------------------------------------------

export interface LockoutPolicy {
  /** Consecutive failures that lock the account. */
  maxFailures: number;
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

/**
 * State after one more failed password. Reaching the limit locks the account and restarts the count, so after
 * the lock expires the user has the full number of attempts again. Failures while locked are not counted
 * (the caller does not even check the password then).
 */
export function afterFailure(
  failedLogins: number,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
): { failedLogins: number; lockedUntil: Date | null } {
  const failures = failedLogins + 1;
  if (failures >= policy.maxFailures) return { failedLogins: 0, lockedUntil: new Date(now.getTime() + policy.lockMs) };
  return { failedLogins: failures, lockedUntil: null };
}

// ---- per-IP login limiter ------------------------------------------------------------------------------

export interface RateLimitPolicy {
  attempts: number;
  windowMs: number;
  /** Bound on remembered IPs; the oldest window is forgotten first. */
  maxKeys: number;
}

export const DEFAULT_LOGIN_RATE: RateLimitPolicy = { attempts: 20, windowMs: 60_000, maxKeys: 10_000 };

/**
 * Fixed-window counter of failed attempts per key (the client address), in memory. Only failures count, so a
 * whole office signing in from one NAT address at nine o'clock is not throttled, while guessing is. Each
 * process limits on its own; behind a load balancer the limit is per process — the account lockout is the
 * hard stop.
 */
export class LoginRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly policy: RateLimitPolicy = DEFAULT_LOGIN_RATE,
    private readonly clock: () => number = Date.now,
  ) {}

  /** 0 when the key may try again, else the seconds to wait. */
  retryAfter(key: string): number {
    const now = this.clock();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.policy.windowMs || w.count < this.policy.attempts) return 0;
    return Math.max(1, Math.ceil((w.start + this.policy.windowMs - now) / 1000));
  }

  /** Counts one failed attempt. */
  fail(key: string): void {
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.policy.windowMs) {
      if (w) this.windows.delete(key);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      this.evict(now);
    }
    w.count += 1;
  }

  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    if (this.windows.size <= this.policy.maxKeys) return;
    // Map keeps insertion order and we re-insert on every new window, so the first entries are the oldest.
    for (const [key, w] of this.windows) {
      if (this.windows.size <= this.policy.maxKeys && now - w.start < this.policy.windowMs) break;
      this.windows.delete(key);
    }
  }
}

// ---- tokens -----------------------------------------------------------------------------------------------

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Session tokens: 256 random bits, base64url. Stored only as their SHA-256. */
export function newSessionToken(): string {
  // A bearer value starting with the API key prefix is read as an API key; never issue such a session token.
  // (Odds of a clash are 1 in 16 million per draw, so the bound is never reached.)
  for (let i = 0; i < 100; i++) {
    const token = randomBytes(32).toString('base64url');
    if (!token.startsWith(API_KEY_PREFIX)) return token;
  }
  throw new Error('could not draw a session token');
}

/** The CSRF token is derived from the session, so nothing extra is stored and it dies with the session. */
export function csrfTokenFor(secretKey: string, sessionHash: string): string {
  return createHmac('sha256', secretKey).update(`csrf:${sessionHash}`).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const API_KEY_PREFIX = 'cgk_';
const API_KEY = /^cgk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** API keys look like `cgk_<12-char prefix>_<256-bit secret, base64url>`; the prefix finds the row. */
export function newApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { key: `${API_KEY_PREFIX}${prefix}_${secret}`, prefix };
}

export function parseApiKey(key: string): { prefix: string } | null {
  const m = API_KEY.exec(key);
  return m ? { prefix: m[1]! } : null;
}
