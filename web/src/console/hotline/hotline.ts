/**
 * The hotline console's rules without React or I/O: which single key picks which request type, the keyboard
 * shortcuts, when a typed phone number is complete enough to look up the caller's history, the category options
 * (with their full path for type-to-search), the knowledge-base query, and what an order answered from an article
 * carries. Unit-tested in hotline.test.ts.
 */
import type { CategoryView } from '@civicgrid/contracts/categories';

/** The request types an agent picks with the keys 1–5 (in this order) while the radio group has focus. */
export const CALL_TYPES = ['enquiry', 'help', 'complaint', 'report', 'suggestion'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const URGENCIES = ['normal', 'urgent', 'emergency', 'complex'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Every status an order can be in, for the caller-history labels (the API's list: @civicgrid/contracts). */
export { STATUSES } from '@civicgrid/contracts/work-orders';

/** The server's limit on an action note (work-orders.schema.ts `note`). */
export const NOTE_MAX = 2000;
/** The knowledge search's limit on `q`. */
export const KNOWLEDGE_QUERY_MAX = 500;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 4000;

/** '1' → enquiry … '5' → suggestion; anything else → null. */
export function callTypeForKey(key: string): CallType | null {
  if (key.length !== 1 || key < '1' || key > '5') return null;
  return CALL_TYPES[Number(key) - 1] ?? null;
}

/** The phone as the server reads it: spaces, dashes, dots and brackets dropped. */
export function cleanPhone(input: string): string {
  return input.replace(/[\s\-().（）]/g, '');
}

/** What the server accepts as a phone number (work-orders.service.ts validateCreate). */
export function isValidPhone(input: string): boolean {
  return /^\+?[0-9]{5,20}$/.test(cleanPhone(input));
}

/**
 * When to look up the caller's history while the number is typed: at once for a complete mainland mobile
 * (11 digits from 13–19, with or without +86), after a short pause for anything else of 7 digits or more
 * (landlines have no fixed length), never for less — each look-up is audited, so half-typed numbers are not sent.
 */
export function lookupTiming(input: string): 'now' | 'pause' | 'no' {
  const p = cleanPhone(input);
  if (/^(?:\+?86)?1[3-9]\d{9}$/.test(p)) return 'now';
  if (/^\+?[0-9]{7,20}$/.test(p)) return 'pause';
  return 'no';
}

export type Shortcut = 'submit' | 'acceptSuggestion' | 'knowledge' | 'phone';

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/**
 * The page-wide shortcuts: Ctrl+Enter (⌘+Enter on a Mac) submits, Alt+S accepts the category suggestion,
 * Alt+K goes to the knowledge base's answers, Alt+P back to the phone field. Alt shortcuts are matched on the
 * physical key (`code`) because Alt+S types "ß" on a Mac.
 */
export function shortcutOf(e: KeyLike): Shortcut | null {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey) return 'submit';
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    if (e.code === 'KeyS') return 'acceptSuggestion';
    if (e.code === 'KeyK') return 'knowledge';
    if (e.code === 'KeyP') return 'phone';
  }
  return null;
}

/** A new key per call: a retry of the same call returns the first order instead of creating a second one. */
export function newIdempotencyKey(random: () => string = () => crypto.randomUUID()): string {
  return `hotline-${random()}`;
}

/** What the call form reads of a category. */
export type CategoryItem = Pick<CategoryView, 'code' | 'parentCode' | 'nameZh' | 'nameEn' | 'active'>;

export interface CategoryOption {
  value: string;
  /** The full path in the UI language, e.g. "水电气暖 / 供水". */
  label: string;
  /** Everything the type-to-search matches: both languages' paths and the code, lower case. */
  search: string;
}

/** Active categories as options with their full path, in tree order (as the server lists them). */
export function categoryOptions(items: readonly CategoryItem[], lang: string): CategoryOption[] {
  const byCode = new Map(items.map((c) => [c.code, c]));
  const path = (c: CategoryItem, name: (x: CategoryItem) => string): string => {
    const names: string[] = [];
    for (let x: CategoryItem | undefined = c, depth = 0; x && depth < 10; x = x.parentCode ? byCode.get(x.parentCode) : undefined, depth++) {
      names.unshift(name(x));
    }
    return names.join(' / ');
  };
  const zh = (x: CategoryItem) => x.nameZh;
  const en = (x: CategoryItem) => x.nameEn ?? x.nameZh;
  return items
    .filter((c) => c.active)
    .map((c) => {
      const zhPath = path(c, zh);
      const enPath = path(c, en);
      return { value: c.code, label: lang.startsWith('zh') ? zhPath : enPath, search: `${zhPath} ${enPath} ${c.code}`.toLowerCase() };
    });
}

/** Type-to-search: every space-separated part of the input must appear in the option's paths or code. */
export function matchesCategory(input: string, option: CategoryOption): boolean {
  const parts = input.toLowerCase().split(/\s+/).filter(Boolean);
  return parts.every((p) => option.search.includes(p));
}

/** What the knowledge base is searched with: the panel's own box when the agent typed there, else the call's text. */
export function knowledgeQuery(box: string, title: string, description: string): string {
  const own = box.trim();
  const text = own !== '' ? own : `${title.trim()} ${description.trim()}`.trim();
  return text.slice(0, KNOWLEDGE_QUERY_MAX);
}

/** The classifier's input: title and description (it accepts up to 4,000 characters). */
export function classifyText(title: string, description: string): string {
  return `${title.trim()}\n${description.trim()}`.trim().slice(0, DESCRIPTION_MAX);
}

/** Only worth classifying once there is something to read (a few characters of Chinese already say a lot). */
export function worthClassifying(text: string): boolean {
  return text.replace(/\s/g, '').length >= 4;
}

/** The note of the `answer` action: the article's answer, cut to the server's note limit. */
export function answerNote(answer: string): string {
  const a = answer.trim();
  return a.length <= NOTE_MAX ? a : `${a.slice(0, NOTE_MAX - 1)}…`;
}

export interface CallForm {
  phone: string;
  name: string;
  requestType: CallType | null;
  title: string;
  description: string;
  categoryCode: string | null;
  address: string;
  districtCode: string | null;
  urgency: Urgency;
}

export const EMPTY_CALL: CallForm = {
  phone: '',
  name: '',
  requestType: null,
  title: '',
  description: '',
  categoryCode: null,
  address: '',
  districtCode: null,
  urgency: 'normal',
};

export type FieldProblem = 'phone' | 'requestType' | 'title';

/**
 * The order's title: what the agent typed, else the description's first sentence (at most 30 characters), so that
 * a call can be entered with the description alone.
 */
export function effectiveTitle(title: string, description: string): string {
  const typed = title.trim();
  if (typed !== '') return typed.slice(0, TITLE_MAX);
  const first = description.trim().split(/[。！？!?\n]/)[0]?.trim() ?? '';
  return first.length <= 30 ? first : `${first.slice(0, 29)}…`;
}

/** What must be fixed before the order can be sent (the server checks again). */
export function problemsOf(form: CallForm): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (form.phone.trim() !== '' && !isValidPhone(form.phone)) out.push('phone');
  if (!form.requestType) out.push('requestType');
  if (effectiveTitle(form.title, form.description) === '') out.push('title');
  return out;
}

export interface CreateBody {
  requestType: CallType;
  title: string;
  description: string;
  categoryCode: string | null;
  address: string | null;
  districtCode: string | null;
  urgency: Urgency;
  reporter: { name: string | null; phone: string | null } | null;
}

/** The POST /work-orders body for this call (a call without a number or a name is anonymous). */
export function createBody(form: CallForm & { requestType: CallType }): CreateBody {
  const phone = cleanPhone(form.phone);
  const name = form.name.trim();
  return {
    requestType: form.requestType,
    title: effectiveTitle(form.title, form.description),
    description: form.description.slice(0, DESCRIPTION_MAX),
    categoryCode: form.categoryCode,
    address: form.address.trim() || null,
    districtCode: form.districtCode,
    urgency: form.urgency,
    reporter: phone || name ? { name: name || null, phone: phone || null } : null,
  };
}

export interface ArticleLike {
  title: string;
  question: string;
  categoryCode: string | null;
}

/**
 * The call answered from an article (首接负责) is an enquiry; an empty title or description is filled from the
 * article, and its category is used when the agent chose none and the jurisdiction has it.
 */
export function answeredCall(form: CallForm, article: ArticleLike, knownCategories: ReadonlySet<string>): CallForm & { requestType: 'enquiry' } {
  return {
    ...form,
    requestType: 'enquiry',
    title: form.title.trim() || article.title.slice(0, TITLE_MAX),
    description: form.description.trim() ? form.description : article.question.slice(0, DESCRIPTION_MAX),
    categoryCode: form.categoryCode ?? (article.categoryCode && knownCategories.has(article.categoryCode) ? article.categoryCode : null),
  };
}

/** Answering from the knowledge base is for enquiries: allowed while no other type is chosen. */
export function canAnswerFromKnowledge(requestType: CallType | null): boolean {
  return requestType === null || requestType === 'enquiry';
}

export interface SessionTally {
  handled: number;
  answered: number;
}

/** Adds one handled call (answered at first contact or not). */
export function tally(t: SessionTally, answered: boolean): SessionTally {
  return { handled: t.handled + 1, answered: t.answered + (answered ? 1 : 0) };
}

export function parseTally(raw: string | null): SessionTally {
  try {
    const v = JSON.parse(raw ?? '') as Partial<SessionTally>;
    const ok = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
    if (ok(v.handled) && ok(v.answered) && (v.answered as number) <= (v.handled as number)) return { handled: v.handled as number, answered: v.answered as number };
  } catch {
    // Missing or damaged: start again.
  }
  return { handled: 0, answered: 0 };
}
