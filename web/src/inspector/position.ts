/** Where the inspector stands (the browser's geolocation), asked for when a screen needs it. */
import { useCallback, useEffect, useState } from 'react';

export interface Position {
  lng: number;
  lat: number;
  accuracyM: number | null;
}

export type PositionState = { state: 'locating' } | { state: 'ok'; position: Position } | { state: 'unavailable' };

export function usePosition(): [PositionState, () => void] {
  const [pos, setPos] = useState<PositionState>({ state: 'locating' });
  const locate = useCallback(() => {
    if (!('geolocation' in navigator)) {
      setPos({ state: 'unavailable' });
      return;
    }
    setPos((p) => (p.state === 'ok' ? p : { state: 'locating' }));
    navigator.geolocation.getCurrentPosition(
      (p) => setPos({ state: 'ok', position: { lng: p.coords.longitude, lat: p.coords.latitude, accuracyM: Number.isFinite(p.coords.accuracy) ? Math.round(p.coords.accuracy) : null } }),
      () => setPos({ state: 'unavailable' }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  }, []);
  useEffect(locate, [locate]);
  return [pos, locate];
}
