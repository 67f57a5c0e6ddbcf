/**
 * Field errors of a request that failed its schema (400 request.invalid / request.unknown_fields), in the caller's
 * language. Each Zod issue is named in words from the message catalogue (request.issue.*, core.<lang>.json) with its
 * bounds — 必填, 最多 4000 个字符, 应为以下之一：… — instead of Zod's English. A schema's own wording for a check is a
 * message code made by `check('uuid')` (request.check.*), named the same way; a schema used outside HTTP (the CLI,
 * the configuration) keeps plain English. Zod's own text is the last resort, for an issue kind this does not know.
 */
import { hasMessage, translate, type Locale } from '../shared/i18n.js';

const CHECK = 'request.check.';

/**
 * A check's wording as a message code, for Zod's `message` (or `.refine(fn, check(…))`); `params` fill the message's
 * placeholders (refinements only: Zod keeps them on the issue).
 */
export function check(code: string, params?: Record<string, string | number>): { message: string; params?: Record<string, string | number> } {
  return params ? { message: `${CHECK}${code}`, params } : { message: `${CHECK}${code}` };
}

/** One failed check as the Zod provider reports it: the issue's code, the rest of the issue, Zod's message. */
export interface FailedCheck {
  code: string;
  params: Record<string, unknown>;
  message: string;
  /** Nothing was given at the issue's path. */
  absent: boolean;
}

const SIZED = new Set(['string', 'array', 'set', 'file']);
const NUMERIC = new Set(['number', 'int', 'bigint']);

function bound(value: unknown): string | number {
  return typeof value === 'number' || typeof value === 'string' ? value : String(value);
}

/** The failed check in words, in `locale`. */
export function issueMessage(locale: Locale, issue: FailedCheck): string {
  const p = issue.params;
  if (issue.message.startsWith(CHECK) && hasMessage(issue.message)) {
    const given = (p.params ?? {}) as Record<string, string | number>;
    return translate(locale, issue.message, given);
  }
  const say = (key: string, params: Record<string, string | number> = {}) => translate(locale, `request.issue.${key}`, params);
  // A missing field fails as a wrong type, or as none of an enum's values: either way it is 必填.
  if (issue.absent && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')) return say('required');
  switch (issue.code) {
    case 'invalid_type':
      return say('type', { expected: String(p.expected) });
    case 'invalid_value': {
      const values = Array.isArray(p.values) ? p.values.map((v) => JSON.stringify(v)) : [];
      return values.length === 1 ? say('value_one', { value: values[0]! }) : say('value', { values: values.join(' | ') });
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = bound(small ? p.minimum : p.maximum);
      const origin = String(p.origin);
      if (SIZED.has(origin)) {
        if (small && origin === 'string' && limit === 1) return say('empty');
        return say(`${small ? 'min' : 'max'}_${origin === 'string' ? 'chars' : 'items'}`, { limit });
      }
      if (NUMERIC.has(origin)) return say(`${small ? 'min' : 'max'}_${p.inclusive === false ? 'exclusive' : 'inclusive'}`, { limit });
      return say('range');
    }
    case 'invalid_format': {
      const format = String(p.format);
      return hasMessage(`request.issue.format.${format}`) ? say(`format.${format}`) : say('format');
    }
    case 'not_multiple_of':
      return say('multiple_of', { divisor: bound(p.divisor) });
    case 'unrecognized_keys':
      return say('unknown_keys', { keys: Array.isArray(p.keys) ? p.keys.join(', ') : '' });
    case 'invalid_union':
      return say('union');
    case 'invalid_key':
    case 'invalid_element':
      return say('element');
    default:
      return issue.message;
  }
}
