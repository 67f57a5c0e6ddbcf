/** Pure helpers of the components page: map features, status colours, import progress, file format. */
import type { ComponentClass, ComponentStatus, ImportProgress, MapPoint } from './api';

export const STATUS_COLORS: Record<ComponentStatus, string> = {
  normal: '#2e7d32',
  damaged: '#ad4e00',
  missing: '#cf1322',
  under_repair: '#1d39c4',
};

export function toFeatures(points: readonly MapPoint[]) {
  return {
    type: 'FeatureCollection' as const,
    features: points.map((p) => ({
      type: 'Feature' as const,
      properties: { code: p.code, classCode: p.classCode, status: p.status, color: STATUS_COLORS[p.status] },
      geometry: { type: 'Point' as const, coordinates: [p.lng, p.lat] },
    })),
  };
}

/** Parse 0–10 %, checks 10–40 %, inserts 40–100 % (a dry run or nothing to insert jumps to 100 at the end). */
export function progressPercent(p: ImportProgress | null): number {
  if (!p) return 0;
  const share = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  if (p.phase === 'parse') return Math.round(10 * share);
  if (p.phase === 'check') return Math.round(10 + 30 * share);
  if (p.phase === 'insert') return Math.round(40 + 60 * share);
  return 100;
}

export function fileFormat(name: string): 'csv' | 'geojson' {
  return /\.(geo)?json$/i.test(name) ? 'geojson' : 'csv';
}

export function className(c: Pick<ComponentClass, 'nameZh' | 'nameEn'> | { zh: string; en: string | null } | null | undefined, lang: string): string {
  if (!c) return '';
  const zh = 'zh' in c ? c.zh : c.nameZh;
  const en = 'en' in c ? c.en : c.nameEn;
  return lang.startsWith('en') && en ? en : zh;
}

/** Classes as select options: each class, then its subclasses indented under it. */
export function classOptions(classes: readonly ComponentClass[], lang: string): { value: string; label: string }[] {
  return [...classes]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((c) => ({ value: c.code, label: `${c.parentCode ? '\u3000' : ''}${c.code} ${className(c, lang)}` }));
}
