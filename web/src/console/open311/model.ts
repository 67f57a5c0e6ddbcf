/**
 * Pure helpers of the Open311 configuration screen: the attribute list edited in place (add, remove, move; `order`
 * always 1…n in list order), the problems the server would refuse (codes, descriptions, list values), and the
 * preview of the `services/{code}.json` definition clients will read — the same shape the server renders.
 */
import type { Attribute, AttributeValue, Datatype, ServiceConfig, ServiceConfigInput } from './api';

export const isList = (d: Datatype) => d === 'singlevaluelist' || d === 'multivaluelist';
export const CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The list with `order` renumbered 1…n as it stands. */
export function renumber(list: readonly Attribute[]): Attribute[] {
  return list.map((a, i) => ({ ...a, order: i + 1 }));
}

export function moveAttribute(list: readonly Attribute[], index: number, delta: -1 | 1): Attribute[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  [next[index], next[to]] = [next[to]!, next[index]!];
  return renumber(next);
}

export function removeAttribute(list: readonly Attribute[], index: number): Attribute[] {
  return renumber(list.filter((_, i) => i !== index));
}

/** A new attribute at the end, with a code not yet used (attr_1, attr_2, …). */
export function addAttribute(list: readonly Attribute[]): Attribute[] {
  const used = new Set(list.map((a) => a.code));
  let n = list.length + 1;
  while (used.has(`attr_${n}`)) n++;
  return renumber([...list, { code: `attr_${n}`, variable: true, datatype: 'string', required: false, datatypeDescription: null, order: list.length + 1, description: '', values: [] }]);
}

/** Changing the datatype keeps list values only for the list types (the server refuses values elsewhere). */
export function withDatatype(a: Attribute, datatype: Datatype): Attribute {
  return { ...a, datatype, values: isList(datatype) ? (a.values.length > 0 ? a.values : [{ key: '', name: '' }]) : [] };
}

export type Problem =
  | { key: 'codeInvalid'; index: number }
  | { key: 'codeDuplicate'; index: number; code: string }
  | { key: 'descriptionRequired'; index: number }
  | { key: 'valuesRequired'; index: number }
  | { key: 'valueIncomplete'; index: number }
  | { key: 'valueDuplicate'; index: number; value: string };

/** What the server would refuse, per attribute (index in the list), so the form says so before saving. */
export function problemsOf(list: readonly Attribute[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  list.forEach((a, index) => {
    if (!CODE_PATTERN.test(a.code)) out.push({ key: 'codeInvalid', index });
    else if (seen.has(a.code)) out.push({ key: 'codeDuplicate', index, code: a.code });
    seen.add(a.code);
    if (a.description.trim() === '') out.push({ key: 'descriptionRequired', index });
    if (isList(a.datatype)) {
      if (a.values.length === 0) out.push({ key: 'valuesRequired', index });
      if (a.values.some((v) => v.key.trim() === '' || v.name.trim() === '')) out.push({ key: 'valueIncomplete', index });
      const keys = a.values.map((v) => v.key.trim()).filter((k) => k !== '');
      const dup = keys.find((k, i) => keys.indexOf(k) !== i);
      if (dup !== undefined) out.push({ key: 'valueDuplicate', index, value: dup });
    }
  });
  return out;
}

const blankToNull = (s: string | null | undefined) => (s === undefined || s === null || s.trim() === '' ? null : s.trim());

/** The body of PUT /open311/services/:code from what is on screen (trimmed, orders renumbered). */
export function toInput(c: ServiceConfig): ServiceConfigInput {
  return {
    type: c.type,
    description: blankToNull(c.description),
    keywords: blankToNull(c.keywords),
    serviceNotice: blankToNull(c.serviceNotice),
    attributes: renumber(c.attributes).map((a) => ({
      ...a,
      code: a.code.trim(),
      description: a.description.trim(),
      datatypeDescription: blankToNull(a.datatypeDescription),
      values: isList(a.datatype) ? a.values.map((v: AttributeValue) => ({ key: v.key.trim(), name: v.name.trim() })) : [],
    })),
  };
}

/** The GeoReport v2 service definition (`services/{code}.json`) this configuration produces. */
export function definitionPreview(c: ServiceConfig): { service_code: string; attributes: Array<Record<string, unknown>> } {
  return {
    service_code: c.code,
    attributes: toInput(c).attributes.map((a) => ({
      variable: a.variable,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatypeDescription,
      order: a.order,
      description: a.description,
      ...(a.values.length > 0 ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
    })),
  };
}
