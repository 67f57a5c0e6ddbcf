/**
 * Chinese text for search and classification: word segmentation with jieba (`@node-rs/jieba`, its bundled
 * dictionary), loaded lazily once per process (the dictionary costs ~100 ms and some tens of MB).
 *
 * PostgreSQL (and PGlite) have no Chinese text-search parser, so full-text search stores the segmented words as a
 * space-separated string and indexes `to_tsvector('simple', …)` of it; queries are segmented the same way and
 * passed to `plainto_tsquery('simple', …)` (every word must match). `searchText` uses jieba's search mode, which
 * also emits the shorter words inside long ones (中华人民共和国 → 中华, 华人, 人民, 共和, 共和国, …), so a
 * query for a part of a compound still finds it.
 */
import { createRequire } from 'node:module';
import type * as JiebaModule from '@node-rs/jieba';
import type { Jieba as JiebaType } from '@node-rs/jieba';

const require = createRequire(import.meta.url);

let jieba: JiebaType | null = null;

function instance(): JiebaType {
  if (jieba === null) {
    const { Jieba } = require('@node-rs/jieba') as typeof JiebaModule;
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Letters (any script) or digits: a token without one is punctuation or space. */
const WORDLIKE = /[\p{L}\p{N}]/u;

function clean(tokens: string[]): string[] {
  const out: string[] = [];
  for (const raw of tokens) {
    const t = raw.trim().toLowerCase();
    if (t !== '' && WORDLIKE.test(t)) out.push(t);
  }
  return out;
}

/** The words of a text, in order, without punctuation; Latin letters lower-cased. */
export function segment(text: string): string[] {
  return clean(instance().cut(text, false));
}

/** The words of a text in search mode (compounds and the words inside them), for indexing and querying. */
export function searchWords(text: string): string[] {
  return clean(instance().cutForSearch(text, false));
}

/** A text as the space-separated words `to_tsvector('simple', …)` indexes. */
export function searchText(text: string): string {
  return searchWords(text).join(' ');
}
