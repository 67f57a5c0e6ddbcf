import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../shared/i18n.js';
import { issueMessage } from './validation-messages.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('field errors in words', () => {
  it('has a message for every check a schema names, and no message for a check nobody names', () => {
    const used = new Set(sourceFiles(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bcheck\('([a-z0-9_]+)'/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(20);
    const zh = loadCatalog('zh-CN');
    const defined = new Set(Object.keys(zh).filter((k) => k.startsWith('request.check.')).map((k) => k.slice('request.check.'.length)));
    expect([...used].filter((c) => !defined.has(c))).toEqual([]);
    expect([...defined].filter((c) => !used.has(c))).toEqual([]);
  });

  it('says 必填 for a missing field whatever check failed, and keeps Zod’s text for an issue kind it does not know', () => {
    expect(issueMessage('zh-CN', { code: 'invalid_value', params: { values: ['a', 'b'] }, message: 'Invalid option', absent: true })).toBe('必填');
    expect(issueMessage('en', { code: 'invalid_type', params: { expected: 'string' }, message: 'Invalid input', absent: true })).toBe('Required');
    expect(issueMessage('zh-CN', { code: 'invalid_type', params: { expected: 'boolean' }, message: 'Invalid input', absent: false })).toBe('应为布尔值（true 或 false）');
    expect(issueMessage('en', { code: 'something_new', params: {}, message: 'Zod says so', absent: false })).toBe('Zod says so');
    // A plain-English refinement (a schema outside HTTP) is left as it is.
    expect(issueMessage('zh-CN', { code: 'custom', params: {}, message: 'must be an absolute path', absent: false })).toBe('must be an absolute path');
    expect(issueMessage('zh-CN', { code: 'custom', params: {}, message: 'request.check.nothing_to_change', absent: false })).toBe('没有要修改的内容');
  });
});
