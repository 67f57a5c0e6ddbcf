/**
 * The patrol app's pure helpers: hash routes, deadlines as the inspector reads them, idempotency keys, category
 * search. No I/O, unit-tested (model.test.ts).
 */
import type { Outcome, TaskKind } from '@civicgrid/contracts/inspector';

export type InspectorRoute = { page: 'tasks' } | { page: 'task'; id: string } | { page: 'report' } | { page: 'map' } | { page: 'queue' };

export function parseHash(hash: string): InspectorRoute {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const task = /^\/task\/([0-9a-fA-F-]{36})$/.exec(path);
  if (task) return { page: 'task', id: task[1]! };
  if (path === '/report') return { page: 'report' };
  if (path === '/map') return { page: 'map' };
  if (path === '/queue') return { page: 'queue' };
  return { page: 'tasks' };
}

export function hrefFor(route: InspectorRoute): string {
  return route.page === 'task' ? `#/task/${route.id}` : route.page === 'tasks' ? '#/' : `#/${route.page}`;
}

export type { Outcome, TaskKind };

/** The outcomes each kind of task offers (the API's are @civicgrid/contracts' OUTCOMES), in the order shown. */
export const OUTCOMES: Record<TaskKind, readonly [Outcome, Outcome]> = {
  verify: ['confirmed', 'not_real'],
  check: ['pass', 'fail'],
};

/** Outcomes that need a written reason (the server refuses them without one). */
export const needsReason = (o: Outcome) => o === 'not_real' || o === 'fail';

export interface Remaining {
  overdue: boolean;
  hours: number;
  minutes: number;
}

/** Time left until (or past) a deadline, in whole minutes. */
export function remaining(dueAt: string, now: number): Remaining {
  const diff = new Date(dueAt).getTime() - now;
  const total = Math.floor(Math.abs(diff) / 60_000);
  return { overdue: diff <= 0, hours: Math.floor(total / 60), minutes: total % 60 };
}

/** An Idempotency-Key fixed when the inspector acts (the server accepts 8–200 of [A-Za-z0-9._:-]). */
export function newKey(random: () => string = uuid): string {
  return `ins-${random()}`;
}

function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export interface Category {
  code: string;
  parentCode: string | null;
  kind: 'component' | 'event' | 'hotline';
  nameZh: string;
  nameEn: string | null;
}

export function categoryName(c: Pick<Category, 'nameZh' | 'nameEn'>, language: string): string {
  return language === 'en' && c.nameEn ? c.nameEn : c.nameZh;
}

/** What an inspector reports: the leaf 部件 and 事件 categories (not the hotline's service areas). */
export function patrolCategories(all: readonly Category[]): Category[] {
  const parents = new Set(all.map((c) => c.parentCode).filter((p): p is string => p !== null));
  return all.filter((c) => c.kind !== 'hotline' && !parents.has(c.code));
}

/** Categories whose name (either language) or code contains every word of the query; at most `limit`. */
export function searchCategories(list: readonly Category[], query: string, limit = 8): Category[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits = list.filter((c) => {
    const hay = `${c.nameZh} ${c.nameEn ?? ''} ${c.code}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  return hits.slice(0, limit);
}

/** The request type the server expects for a category (部件 → component, 事件 → event). */
export const requestTypeOf = (c: Category | null): 'component' | 'event' => (c?.kind === 'component' ? 'component' : 'event');
