/**
 * The city component API (/components, /component-classes, /component-settings) — shapes from
 * server/src/modules/grid/components.schema.ts. The import answers NDJSON (progress lines, then the report),
 * read here as it arrives.
 */
import { api, type Query } from '../../shared/api';
import { postNdjson } from '../../shared/ndjson';

const base = '/api/v1';

export const COMPONENT_STATUSES = ['normal', 'damaged', 'missing', 'under_repair'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export interface ComponentClass {
  code: string;
  parentCode: string | null;
  nameZh: string;
  nameEn: string | null;
  source: string;
}

export interface MapPoint {
  code: string;
  classCode: string;
  status: ComponentStatus;
  lng: number;
  lat: number;
}

export interface ComponentDetail {
  id: string;
  code: string;
  countyCode: string;
  classCode: string;
  className: { zh: string; en: string | null } | null;
  name: string | null;
  lat: number;
  lng: number;
  gridCode: string | null;
  ownerDepartmentId: string | null;
  status: ComponentStatus;
  createdAt: string;
  updatedAt: string;
  history: { at: string; action: string; fromStatus: string | null; toStatus: string; actor: string | null; note: string | null; workOrderId: string | null; workOrderCode: string | null }[];
  orders: { id: string; code: string; problem: string; status: string; how: string; distanceM: number | null; linkedAt: string }[];
  photos: { attachmentId: string; workOrderId: string }[];
}

export interface ImportProgress {
  phase: 'parse' | 'check' | 'insert' | 'done';
  done: number;
  total: number;
}

export interface ImportReport {
  applied: boolean;
  dryRun: boolean;
  total: number;
  accepted: number;
  inserted: number;
  existing: number;
  rejectedCount: number;
  rejected: { index: number; reason: string; message: string; detail?: string }[];
  reasons: Record<string, number>;
  durationMs: number;
}

export const componentsApi = {
  classes: async () => (await api.get<{ items: ComponentClass[] }>(`${base}/component-classes`)).items,
  map: (filter: Query) => api.get<{ truncated: boolean; items: MapPoint[] }>(`${base}/components/map`, filter),
  detail: async (code: string) => (await api.get<{ component: ComponentDetail }>(`${base}/components/${encodeURIComponent(code)}`)).component,
};

/** Posts an import and calls `onProgress` for each progress line; resolves with the report. */
export function importComponents(
  body: { format: 'csv' | 'geojson'; content: string; dryRun: boolean; skipRejected: boolean },
  onProgress: (p: ImportProgress) => void,
): Promise<ImportReport> {
  return postNdjson<ImportReport, ImportProgress>(`${base}/components/import`, body, onProgress);
}
