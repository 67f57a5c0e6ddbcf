/** Pure helpers of the grid screen: the import's progress bar, the hierarchy level of a code, area display. */
import type { GridImportReport, ImportStep } from './api';

/** Share of the bar per phase: reading the file, staging rows, the PostGIS checks, writing the layer. */
const PHASES: Record<ImportStep['phase'], [number, number]> = { parse: [0, 30], stage: [30, 60], check: [60, 95], write: [95, 100] };

/** Percent (0–100, whole) of the bar for the latest progress line; null before any. */
export function importPercent(step: ImportStep | null): number {
  if (!step) return 0;
  const [from, to] = PHASES[step.phase];
  const share = step.total > 0 ? Math.min(1, Math.max(0, step.done / step.total)) : 1;
  return Math.floor(from + (to - from) * share);
}

/** The level a hierarchy code stands for, by its length: 6 district, 9 street, 12 community, 14 grid. */
export function levelOf(code: string): 'district' | 'street' | 'community' | 'grid' {
  return code.length <= 6 ? 'district' : code.length <= 9 ? 'street' : code.length <= 12 ? 'community' : 'grid';
}

/** m² below a hectare, else km² with two decimals. */
export function formatArea(m2: number, locale: string): string {
  if (m2 < 10_000) return `${Math.round(m2).toLocaleString(locale)} m²`;
  return `${(m2 / 1_000_000).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} km²`;
}

/** Codes kept from the stored layer and codes newly assigned, from an import report. */
export function codeCounts(report: Pick<GridImportReport, 'accepted' | 'unchanged'>): { kept: number; assigned: number } {
  return { kept: report.unchanged, assigned: Math.max(0, report.accepted - report.unchanged) };
}

/** Whether the report shows anything to look at before importing. */
export function hasProblems(report: Pick<GridImportReport, 'rejectedCount' | 'overlaps' | 'gaps' | 'outside'>): boolean {
  return report.rejectedCount > 0 || report.overlaps.count > 0 || report.gaps.count > 0 || report.outside.count > 0;
}

/** Base64 of bytes (a zipped Shapefile travels inside the JSON body), in chunks small enough for String.fromCharCode. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
