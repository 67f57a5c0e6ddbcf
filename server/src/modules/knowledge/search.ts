/**
 * The pure half of knowledge search: a caller's sentence → the words worth matching, and the opaque keyset
 * cursors of the list. The SQL half (the tsquery, ranking, AND → OR fallback) is in knowledge.repo.ts.
 */
import { searchWords } from '../../shared/chinese-text.js';

/**
 * Words that say nothing about the topic of an enquiry (a caller's "我想问一下…怎么办"). Removing them lets
 * the AND query match and keeps the OR fallback from ranking by filler words every letter contains.
 */
const STOPWORDS = new Set(
  (
    '的 了 是 我 你 您 他 她 它 我们 你们 他们 在 有 和 与 及 或 就 都 也 还 又 很 太 到 对 把 被 给 让 向 从 为 为了 以 于 ' +
    '这 那 这个 那个 这些 那些 这样 那样 这里 那里 什么 怎么 怎么办 怎样 如何 为什么 哪 哪里 哪些 哪个 多少 几 吗 呢 吧 啊 呀 哦 嗯 ' +
    '请 请问 问 问一下 想 想问 我想 一下 一个 一些 能 能否 可以 可不可以 是否 会 要 需要 应该 得 地 着 过 没 没有 不 不是 ' +
    '个 些 上 下 里 中 之 其 等 啥 咋 谢谢 你好 您好 好 市长 领导 反映 问题 情况 现在 目前 已经 一直 因为 所以 但是 而且 如果 ' +
    '还是 然后 自己 大家 时候 知道 告诉 咨询 一 二 三 年 月 日 号'
  ).split(/\s+/),
);

/** The words of a query for matching: search-mode words without filler, deduplicated; all words if only filler. */
export function queryWords(q: string): string[] {
  const words = [...new Set(searchWords(q))];
  const meaningful = words.filter((w) => !STOPWORDS.has(w));
  return meaningful.length > 0 ? meaningful : words;
}

export type SearchMode = 'and' | 'or';

/** Where a page ended: by relevance (rank, id) for a query, by last change (updated_at, id) otherwise. */
export type Cursor = { kind: 'rank'; mode: SearchMode; rank: string; id: string } | { kind: 'time'; at: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(c: Cursor): string {
  const parts = c.kind === 'rank' ? ['r', c.mode, c.rank, c.id] : ['t', c.at, c.id];
  return Buffer.from(parts.join('|'), 'utf8').toString('base64url');
}

/** null when the text is not a cursor we issued (the caller answers 400). */
export function decodeCursor(text: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return null;
  const parts = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (parts[0] === 'r' && parts.length === 4) {
    const [, mode, rank, id] = parts as [string, string, string, string];
    if ((mode !== 'and' && mode !== 'or') || !/^-?\d+(\.\d+)?(e-?\d+)?$/.test(rank) || !UUID.test(id)) return null;
    return { kind: 'rank', mode, rank, id };
  }
  if (parts[0] === 't' && parts.length === 3) {
    const [, at, id] = parts as [string, string, string];
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(at) || !UUID.test(id)) return null;
    return { kind: 'time', at, id };
  }
  return null;
}
