/**
 * What the patrol app reads from the server, each answer also kept in localStorage so the app still shows my tasks,
 * grids and the category list without network (marked as "as of" the last fetch).
 */
import { useCallback, useEffect, useState } from 'react';
import type { InspectorTasks } from '@civicgrid/contracts/inspector';
import { api, ApiError } from '../shared/api';
import type { Category } from './model';

export interface Grid {
  code: string;
  name: string;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

export interface Me {
  user: { id: string; username: string; displayName: string };
  permissions: string[];
}

interface Cached<T> {
  data: T;
  at: string;
}

function readCache<T>(key: string): Cached<T> | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Cached<T>) : null;
  } catch {
    return null;
  }
}

function writeCache<T>(key: string, data: T): void {
  try {
    localStorage.setItem(key, JSON.stringify({ data, at: new Date().toISOString() }));
  } catch {
    // A full storage only costs the offline copy.
  }
}

export interface Loaded<T> {
  data: T | null;
  /** When the data shown was fetched, if it comes from the device's copy (no network). */
  staleSince: string | null;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** GET with a device copy: the copy is shown at once and replaced by the server's answer when there is one. */
export function useCached<T>(cacheKey: string, path: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; staleSince: string | null; error: unknown; loading: boolean }>(() => {
    const c = readCache<T>(cacheKey);
    return { data: c?.data ?? null, staleSince: c?.at ?? null, error: null, loading: true };
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    api.get<T>(path).then(
      (data) => {
        if (!live) return;
        writeCache(cacheKey, data);
        setState({ data, staleSince: null, error: null, loading: false });
      },
      (error: unknown) => {
        if (live) setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => {
      live = false;
    };
  }, [cacheKey, path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

export const useTasks = (userId: string) => useCached<InspectorTasks>(`cg.inspector.tasks.${userId}`, '/api/v1/inspector/tasks');
export const useGrids = (userId: string) => useCached<{ items: Grid[] }>(`cg.inspector.grids.${userId}`, '/api/v1/inspector/grids');
export const useCategories = () => useCached<{ items: Category[] }>('cg.inspector.categories', '/api/v1/public/work-order-categories');

export interface Suggestion {
  categoryCode: string;
  confidence: number;
}

/** The classifier's suggestion for a description (null offline, or when the city has no model). */
export async function classify(text: string): Promise<Suggestion | null> {
  try {
    const r = await api.post<{ suggestion: Suggestion | null }>('/api/v1/work-orders/classify', { text });
    return r.suggestion;
  } catch (e) {
    if (e instanceof ApiError) return null;
    throw e;
  }
}
