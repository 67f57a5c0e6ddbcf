/**
 * Elder mode (关怀模式): larger type, high contrast, bigger targets, simpler wording. Remembered in
 * localStorage and applied as a class on <html>, so every resident page follows it.
 */
import { useCallback, useSyncExternalStore } from 'react';

const KEY = 'cg.elder';
const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

let current = read();
document.documentElement.classList.toggle('elder', current);

export function setElderMode(on: boolean): void {
  current = on;
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    // Not remembered, but applied to this page.
  }
  document.documentElement.classList.toggle('elder', on);
  listeners.forEach((l) => l());
}

export function useElderMode(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  return [on, useCallback((v: boolean) => setElderMode(v), [])];
}
