import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  csrfTokenFor,
  isLocked,
  LoginRateLimiter,
  newApiKey,
  parseApiKey,
  passwordProblem,
  safeEqual,
} from './credentials.js';
import { loadCatalog } from '../../shared/i18n.js';
import { grantProblem, SCOPE_KINDS } from './grant-rules.js';
import { apiKeyScopeAllows, definePolicy, rolesAllowed } from './permissions.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { ROLES } from './roles.js';

describe('password policy', () => {
  it('needs 8 characters, counted as characters not bytes', () => {
    expect(passwordProblem('1234567', 'alice')).toBe('auth.password_too_short');
    expect(passwordProblem('12345678', 'alice')).toBeNull();
    expect(passwordProblem('成都市民政务服务', 'alice')).toBeNull();
    expect(passwordProblem('成都市民', 'alice')).toBe('auth.password_too_short');
  });
  it('refuses the username, whatever the case, and huge inputs', () => {
    expect(passwordProblem('Dispatcher', 'dispatcher')).toBe('auth.password_equals_username');
    expect(passwordProblem('x'.repeat(257), 'alice')).toBe('auth.password_too_long');
  });
});

describe('argon2id hashes', () => {
  it('verify the right password only, and are argon2id PHC strings', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'correct horse')).toBe(true);
    expect(await verifyPassword(h, 'correct horsE')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });
});

describe('lockout', () => {
  const policy = { maxFailures: 3, lockMs: 60_000 };
  const now = new Date('2026-01-01T00:00:00Z');
  it('locks on the Nth consecutive failure and restarts the count', () => {
    expect(afterFailure(0, now, policy)).toEqual({ failedLogins: 1, lockedUntil: null });
    expect(afterFailure(1, now, policy)).toEqual({ failedLogins: 2, lockedUntil: null });
    expect(afterFailure(2, now, policy)).toEqual({ failedLogins: 0, lockedUntil: new Date('2026-01-01T00:01:00Z') });
  });
  it('is locked strictly before the end time', () => {
    const until = new Date('2026-01-01T00:01:00Z');
    expect(isLocked(until, new Date('2026-01-01T00:00:59Z'))).toBe(true);
    expect(isLocked(until, until)).toBe(false);
    expect(isLocked(null, now)).toBe(false);
  });
});

describe('LoginRateLimiter', () => {
  it('allows N failures per window per key, then says how long to wait', () => {
    let t = 0;
    const l = new LoginRateLimiter({ attempts: 3, windowMs: 10_000, maxKeys: 100 }, () => t);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('a')).toBe(0);
      l.fail('a');
    }
    expect(l.retryAfter('a')).toBe(10);
    expect(l.retryAfter('b')).toBe(0);
    t = 7_500;
    expect(l.retryAfter('a')).toBe(3);
    t = 10_000;
    expect(l.retryAfter('a')).toBe(0);
    l.fail('a');
    expect(l.retryAfter('a')).toBe(0);
  });
  it('stays bounded, forgetting the oldest windows', () => {
    let t = 0;
    const l = new LoginRateLimiter({ attempts: 1, windowMs: 1_000_000, maxKeys: 50 }, () => t);
    for (let i = 0; i < 500; i++) {
      t = i;
      l.fail(`ip${i}`);
    }
    expect(l.size).toBeLessThanOrEqual(50);
    expect(l.retryAfter('ip499')).toBeGreaterThan(0);
    expect(l.retryAfter('ip0')).toBe(0);
  });
});

describe('tokens', () => {
  it('CSRF tokens depend on the secret and the session', () => {
    const a = csrfTokenFor('secret-1', 'session-1');
    expect(a).toBe(csrfTokenFor('secret-1', 'session-1'));
    expect(a).not.toBe(csrfTokenFor('secret-2', 'session-1'));
    expect(a).not.toBe(csrfTokenFor('secret-1', 'session-2'));
    expect(safeEqual(a, a)).toBe(true);
    expect(safeEqual(a, a.slice(1))).toBe(false);
  });
  it('API keys carry a findable prefix and a 256-bit secret', () => {
    const { key, prefix } = newApiKey();
    expect(key).toMatch(/^cgk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key)).toEqual({ prefix });
    expect(parseApiKey(`${key}x`)).toBeNull();
    expect(parseApiKey('cgk_short_abc')).toBeNull();
    expect(newApiKey().key).not.toBe(key);
  });
});

describe('policies and grants', () => {
  it('declares permissions once and refuses conflicting redeclaration', () => {
    definePolicy({ 'testarea.read': ['admin', 'auditor'] });
    expect(rolesAllowed('testarea.read')).toEqual(['admin', 'auditor']);
    expect(() => definePolicy({ 'testarea.read': ['admin'] })).toThrow(/declared twice/);
    expect(() => definePolicy({ Bad: ['admin'] } as never)).toThrow(/area\.verb/);
  });
  it('API key scopes match names or whole areas', () => {
    expect(apiKeyScopeAllows(['open311.*'], 'open311.requests.create')).toBe(true);
    expect(apiKeyScopeAllows(['open311.read'], 'open311.write')).toBe(false);
  });
  it('residents act for themselves only; grid scopes need valid codes', () => {
    expect(grantProblem('resident', 'jurisdiction')).toBe('user.grant_scope_invalid');
    expect(grantProblem('resident', 'self')).toBeNull();
    expect(grantProblem('inspector', 'grids', [])).toBe('user.grant_grids_invalid');
    expect(grantProblem('inspector', 'grids', ['5101040010'])).toBe('user.grant_grids_invalid');
    expect(grantProblem('inspector', 'grids', ['51010400100101', '510104'])).toBeNull();
  });
  it('names every role and scope kind in both languages (messages name them in words: user.grant_scope_invalid)', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const catalog = loadCatalog(locale);
      for (const role of ROLES) expect(catalog[`user.role.${role}`], `${locale} ${role}`).toBeTruthy();
      for (const kind of SCOPE_KINDS) expect(catalog[`user.scope.${kind}`], `${locale} ${kind}`).toBeTruthy();
    }
  });
});
