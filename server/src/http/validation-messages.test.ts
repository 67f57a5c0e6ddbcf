import { describe, expect, it } from 'vitest';
import { issueMessage } from './validation-messages.js';

describe('field errors in words', () => {
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
