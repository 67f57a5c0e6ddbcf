/**
 * Hotspots on the city's own district outlines (offline, no tiles): a heat layer weighted by orders per grid and a
 * circle per grid sized by its count. Loaded lazily (maplibre-gl is large).
 */
import maplibregl, { type LngLatBoundsLike } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createBaseMap } from '../../shared/map/base-map';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bounds, loadDivisions } from '../../shared/map/geo';

export interface HeatPoint {
  code: string;
  name: string;
  lng: number;
  lat: number;
  count: number;
}

function pointBounds(points: HeatPoint[]): [number, number, number, number] {
  const xs = points.map((p) => p.lng);
  const ys = points.map((p) => p.lat);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export default function HotspotMap({ points, label }: { points: HeatPoint[]; label: string }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');

  useEffect(() => {
    if (!container.current) return;
    const map = createBaseMap(container.current, { center: [104.07, 30.67], zoom: 10 });
    if (!map) {
      setState('error');
      return;
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const max = Math.max(1, ...points.map((p) => p.count));
    const data = {
      type: 'FeatureCollection' as const,
      features: points.map((p) => ({ type: 'Feature' as const, properties: { code: p.code, name: p.name, count: p.count }, geometry: { type: 'Point' as const, coordinates: [p.lng, p.lat] } })),
    };
    let live = true;
    map.on('load', () => {
      void loadDivisions('district')
        .then((divisions) => {
          if (!live) return;
          map.addSource('divisions', { type: 'geojson', data: divisions as Parameters<maplibregl.GeoJSONSource['setData']>[0] });
          map.addLayer({ id: 'divisions-fill', type: 'fill', source: 'divisions', paint: { 'fill-color': '#f4f7fb', 'fill-opacity': 0.9 } });
          map.addLayer({ id: 'divisions-line', type: 'line', source: 'divisions', paint: { 'line-color': '#1f4e79', 'line-width': 1 } });
          // Frame the orders (the whole city when there are none).
          const b = points.length > 0 ? pointBounds(points) : bounds(divisions);
          if (b) map.fitBounds(b as LngLatBoundsLike, { padding: 48, duration: 0, maxZoom: 13 });
        })
        .catch(() => undefined)
        .finally(() => {
          if (!live) return;
          map.addSource('hot', { type: 'geojson', data });
          map.addLayer({
            id: 'hot-heat',
            type: 'heatmap',
            source: 'hot',
            maxzoom: 14,
            paint: {
              // Many small grids side by side: keep each one's weight low so the city does not saturate into one blob.
              'heatmap-weight': ['interpolate', ['linear'], ['get', 'count'], 0, 0, max, 1],
              'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 9, 8, 13, 30],
              'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 9, 0.35, 13, 1],
              'heatmap-opacity': 0.85,
            },
          });
          map.addLayer({
            id: 'hot-circles',
            type: 'circle',
            source: 'hot',
            minzoom: 12,
            paint: { 'circle-radius': ['interpolate', ['linear'], ['get', 'count'], 1, 4, max, 14], 'circle-color': '#c0392b', 'circle-opacity': 0.6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
          });
          map.once('idle', () => live && setState('ready'));
        });
    });
    map.on('error', () => setState((s) => (s === 'loading' ? 'error' : s)));
    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container.current);
    return () => {
      live = false;
      resize.disconnect();
      map.remove();
    };
  }, [points]);

  return (
    <div data-testid="hotspot-map" data-state={state} style={{ position: 'relative' }}>
      <div ref={container} role="region" aria-label={label} style={{ width: '100%', height: 420, borderRadius: 4, overflow: 'hidden' }} />
      {state === 'error' && <div style={{ padding: 12 }}>{t('map.unavailable')}</div>}
    </div>
  );
}
