import { useEffect, useState } from 'react';
import { api } from './api';

export interface PublicJurisdiction {
  id: string;
  nameZh: string;
  nameEn: string;
  divisionCode: string;
}

/**
 * The city this server serves, for headers and titles. Public (no sign-in); when a server hosts several
 * jurisdictions there is no single answer and the page keeps its generic title.
 */
export function useJurisdiction(): PublicJurisdiction | null {
  const [jurisdiction, setJurisdiction] = useState<PublicJurisdiction | null>(null);
  useEffect(() => {
    let live = true;
    api.get<{ items: PublicJurisdiction[] }>('/api/v1/jurisdictions').then(
      (r) => live && r.items.length === 1 && setJurisdiction(r.items[0] ?? null),
      // The title is a courtesy: without it the page still works, so a failure here shows nothing.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return jurisdiction;
}
