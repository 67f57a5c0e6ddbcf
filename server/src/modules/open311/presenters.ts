/**
 * Open311 documents in both formats. JSON follows the spec's Spark convention (the XML with its root dropped: a list
 * document is a JSON array, a nested list an array under its plural name); XML has the declaration with
 * encoding="utf-8", no namespace, and each list as `<plural><singular>…</singular></plural>`. Pure.
 */
import type { Format } from './mappers.js';

export type Value = string | number | boolean | null | undefined | Value[] | { [key: string]: Value };

/** List element names: the plural wrapper → the element of each item. */
const SINGULAR: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
  extensions: 'extension',
  notes: 'note',
  media_urls: 'media_url',
};

export const CONTENT_TYPE: Record<Format, string> = { xml: 'text/xml; charset=utf-8', json: 'application/json; charset=utf-8' };

export function escapeXml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five specials are escaped.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function element(name: string, value: Value): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = SINGULAR[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Drops undefined members (JSON.stringify does too); keeps null, which the schemas allow. */
export function render(format: Format, root: string, value: Value): string {
  if (format === 'json') return JSON.stringify(value);
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}`;
}

export interface ErrorItem {
  code: number;
  description: string;
}

export function renderErrors(format: Format, errors: ErrorItem[]): string {
  return render(format, 'errors', errors as unknown as Value);
}
