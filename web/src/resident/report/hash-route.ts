/**
 * The resident portal's pages live behind the hash (#/report, #/track?code=…&last4=…, #/mine): the server serves
 * the portal at `/` only, and a hash survives a reload and can be shared as a link.
 */
import { useSyncExternalStore } from 'react';

export type ResidentRoute =
  | { page: 'home' }
  | { page: 'report' }
  | { page: 'mine' }
  | { page: 'track'; code: string; last4: string };

export function parseHash(hash: string): ResidentRoute {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  switch (path) {
    case '/report':
      return { page: 'report' };
    case '/mine':
      return { page: 'mine' };
    case '/track':
      return { page: 'track', code: params.get('code') ?? '', last4: params.get('last4') ?? '' };
    default:
      return { page: 'home' };
  }
}

export function hrefFor(route: ResidentRoute): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'track': {
      const q = new URLSearchParams();
      if (route.code) q.set('code', route.code);
      if (route.last4) q.set('last4', route.last4);
      const s = q.toString();
      return s ? `#/track?${s}` : '#/track';
    }
    default:
      return `#/${route.page}`;
  }
}

const subscribe = (l: () => void) => {
  window.addEventListener('hashchange', l);
  return () => window.removeEventListener('hashchange', l);
};

/** The current route; the raw hash is the snapshot so React compares strings, not fresh objects. */
export function useHashRoute(): ResidentRoute {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

export function go(route: ResidentRoute): void {
  window.location.hash = hrefFor(route);
}
