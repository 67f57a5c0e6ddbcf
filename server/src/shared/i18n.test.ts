import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR, loadCatalog, pickLocale, PLACEHOLDER, translate } from './i18n.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Error codes thrown in the source: new AppError('kind', 'code' …) and the badRequest/notFound/… helpers. */
function thrownCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  const patterns = [
    /new AppError\(\s*'[a-z_]+',\s*'([a-z0-9_.]+)'/g,
    /\b(?:badRequest|notFound|forbidden|conflict|unauthenticated)\(\s*'([a-z0-9_.]+)'/g,
  ];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) codes.set(m[1]!, path.relative(SRC, file));
  }
  return codes;
}

describe('server messages', () => {
  const zh = loadCatalog('zh-CN');
  const en = loadCatalog('en');

  it('has the same keys in zh-CN and en, in every area file', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    const areas = readdirSync(LOCALES_DIR).filter((f) => f.endsWith('.json'));
    for (const file of areas.filter((f) => f.endsWith('.zh-CN.json'))) {
      expect(areas).toContain(file.replace('.zh-CN.json', '.en.json'));
    }
  });

  it('has no empty message and the same placeholders in both languages', () => {
    for (const key of Object.keys(zh)) {
      expect(zh[key]!.trim(), key).not.toBe('');
      expect(en[key]!.trim(), key).not.toBe('');
      // The whole placeholder: a parameter named in words ({status:work_order.status}) is named so in both.
      const params = (s: string) => [...s.matchAll(PLACEHOLDER)].map((m) => m[0]).sort();
      expect(params(en[key]!), key).toEqual(params(zh[key]!));
    }
  });

  it('has a message for every error code thrown in the source', () => {
    const codes = thrownCodes();
    expect(codes.size).toBeGreaterThan(5);
    const missing = [...codes].filter(([code]) => !(code in zh)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('has a message for every check a schema names (check(…), http/validation-messages.ts), and none that nobody names', () => {
    const used = new Set(sourceFiles(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bcheck\('([a-z0-9_]+)'/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(20);
    const defined = new Set(Object.keys(zh).filter((k) => k.startsWith('request.check.')).map((k) => k.slice('request.check.'.length)));
    expect([...used].filter((c) => !defined.has(c))).toEqual([]);
    expect([...defined].filter((c) => !used.has(c))).toEqual([]);
  });

  it('names every code a placeholder looks up, in both languages', () => {
    const lookups = new Set(Object.values(zh).flatMap((m) => [...m.matchAll(PLACEHOLDER)].map((x) => x[2]).filter((p) => p !== undefined)));
    expect(lookups.size).toBeGreaterThan(0);
    for (const prefix of lookups) expect(Object.keys(zh).some((k) => k.startsWith(`${prefix}.`)), prefix).toBe(true);
  });

  it('names codes in words: one, a list, and an unknown one as it is', () => {
    const params = { status: 'under_review', action: 'close', allowed: 'reopen, uphold, supervise' };
    expect(translate('zh-CN', 'work_order.transition_not_allowed', params)).toBe('工单当前状态为“复核中”，不能执行“结案”；当前可执行：重新办理、维持办理结果、督办');
    expect(translate('en', 'work_order.transition_not_allowed', params)).toBe('Cannot close a work order whose status is “Under review”; allowed now: reopen, uphold, supervise');
    expect(translate('en', 'work_order.rating_not_open', { status: 'no_such_status' })).toBe('This order cannot be rated now (status: no_such_status)');
    expect(translate('zh-CN', 'work_order.transition_not_allowed', { ...params, allowed: '—' })).toContain('当前可执行：—');
  });

  it('names roles, scopes, category kinds and indicator directions in words, not codes', () => {
    const grant = { role: 'resident', scope: 'jurisdiction' };
    expect(translate('zh-CN', 'user.grant_scope_invalid', grant)).toBe('角色“市民”不能使用“全辖区”数据范围');
    expect(translate('en', 'user.grant_scope_invalid', grant)).toBe('The role “Resident” cannot have the data scope “Whole jurisdiction”');
    const kinds = { kind: 'component', parentKind: 'event' };
    expect(translate('zh-CN', 'work_order_category.kind_mismatch', kinds)).toBe('子分类的类型“部件”与上级分类的类型“事件”不一致');
    expect(translate('en', 'work_order_category.kind_mismatch', kinds)).toBe("The kind “Component” differs from the parent category's kind “Event”");
    const target = { code: 'A1.3', direction: 'cost' };
    expect(translate('zh-CN', 'evaluation.target_direction', target)).toBe('指标 A1.3 的方向为“越低越好”，目标值必须优于阈值：越高越好的指标目标值应高于阈值，越低越好的应低于阈值');
    expect(translate('en', 'evaluation.target_direction', { ...target, direction: 'benefit' })).toBe(
      'Indicator A1.3 is “higher is better”, so its target must be better than its threshold: above it when higher is better, below it when lower is better',
    );
  });

  it('fills placeholders and falls back to the code for unknown keys', () => {
    expect(translate('en', 'request.too_large', { limit: 1024 })).toBe('The request body is too large (limit 1024 bytes)');
    expect(translate('zh-CN', 'request.unknown_fields', { fields: 'a, b' })).toBe('请求包含未知字段：a, b');
    expect(translate('en', 'no.such.code')).toBe('no.such.code');
  });
});

describe('pickLocale', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-TW', 'zh-CN'],
    ['fr-FR, en;q=0.5', 'en'],
    ['en;q=0.3, zh-CN;q=0.8', 'zh-CN'],
    ['en;q=0, zh;q=0.1', 'zh-CN'],
    ['de', 'zh-CN'],
    ['*', 'zh-CN'],
  ] as const)('%s → %s', (header, expected) => {
    expect(pickLocale(header)).toBe(expected);
  });
});
