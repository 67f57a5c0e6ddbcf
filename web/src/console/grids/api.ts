/**
 * The unit grid API (/grids) — shapes from server/src/modules/grid/grid.schema.ts. The import asks for NDJSON
 * (progress lines, then the report) and reads it as it arrives.
 */
import { api } from '../../shared/api';
import { postNdjson } from '../../shared/ndjson';
import type { UserPage } from '@civicgrid/contracts/identity';

const base = '/api/v1';

export type Box = [number, number, number, number];

export interface GridShapes {
  type: 'FeatureCollection';
  truncated: boolean;
  features: { type: 'Feature'; geometry: unknown; properties: { code: string; name: string; communityCode: string } }[];
}

export interface GridUnit {
  code: string;
  level: 'district' | 'street' | 'community';
  name: string;
  grids: number;
}

export interface GridListItem {
  id: string;
  code: string;
  name: string;
  communityCode: string;
}

export interface Named {
  code: string;
  name: string | null;
}

export interface GridDetail {
  id: string;
  code: string;
  name: string;
  communityCode: string;
  community: Named;
  street: Named;
  district: Named;
  areaM2: number;
  bbox: Box;
  inspectors: { id: string; name: string }[];
  departments: { id: string; name: string }[];
}

export interface ImportStep {
  phase: 'parse' | 'stage' | 'check' | 'write';
  done: number;
  total: number;
}

export interface GridImportReport {
  applied: boolean;
  dryRun: boolean;
  total: number;
  accepted: number;
  rejectedCount: number;
  rejected: { index: number; reason: string; message: string; detail?: string }[];
  unchanged: number;
  inserted: number;
  updated: number;
  removed: number;
  wouldRemove: number;
  version: number | null;
  checks: string;
  toleranceM2: number;
  overlaps: { count: number; items: { a: number; b: number; codes: [string, string]; areaM2: number }[] };
  gaps: { count: number; items: { district: string; lng: number; lat: number; areaM2: number }[] };
  outside: { checked: boolean; count: number; items: { index: number; code: string; areaM2: number }[] };
  durationMs: number;
}

export const gridsApi = {
  shapes: (box: Box) => api.get<GridShapes>(`${base}/grids/geojson`, { bbox: box.map((n) => n.toFixed(5)).join(',') }),
  units: async (parent?: string) => (await api.get<{ items: GridUnit[] }>(`${base}/grids/units`, { parent })).items,
  list: (query: { q?: string; prefix?: string; after?: string; limit?: number }) => api.get<{ items: GridListItem[]; next: string | null }>(`${base}/grids`, query),
  detail: async (code: string) => (await api.get<{ grid: GridDetail }>(`${base}/grids/${encodeURIComponent(code)}`)).grid,
  setResponsible: async (code: string, body: { inspectorIds: string[]; departmentIds: string[] }) =>
    (await api.put<{ grid: GridDetail }>(`${base}/grids/${encodeURIComponent(code)}/responsible`, body)).grid,
  inspectors: async (q?: string) => (await api.get<UserPage>(`${base}/users`, { role: 'inspector', status: 'active', pageSize: 50, q: q || undefined })).items,
};

/** Posts an import (the GeoJSON inside the JSON body) and calls `onStep` per progress line; resolves with the report. */
export function importGrids(body: ({ geojson: unknown } | { shapefileZip: string }) & { dryRun: boolean; skipRejected: boolean; checks: 'full' | 'validity'; codeField: string; communityField: string }, onStep: (s: ImportStep) => void): Promise<GridImportReport> {
  return postNdjson<GridImportReport, ImportStep>(`${base}/grids/import`, body, onStep);
}
