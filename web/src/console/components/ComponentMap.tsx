/**
 * The component layer on the city's own district outlines (offline, no tiles): MapLibre's GeoJSON clustering —
 * numbered circles that split as you zoom in, single components as dots coloured by status. Clicking a cluster
 * zooms into it, clicking a dot opens that component. Loaded lazily (maplibre-gl is large).
 */
import maplibregl, { type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import { createBaseMap } from '../../shared/map/base-map';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadDivisions } from '../../shared/map/geo';
import type { MapPoint } from './api';
import { toFeatures } from './model';

function pointBounds(points: readonly MapPoint[]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    x0 = Math.min(x0, p.lng);
    y0 = Math.min(y0, p.lat);
    x1 = Math.max(x1, p.lng);
    y1 = Math.max(y1, p.lat);
  }
  return [x0, y0, x1, y1];
}

export default function ComponentMap({ points, label, onSelect }: { points: readonly MapPoint[]; label: string; onSelect: (code: string) => void }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    const map = createBaseMap(container.current, { center: [104.07, 30.67], zoom: 10 });
    if (!map) {
      setState('error');
      return;
    }
    mapRef.current = map;
    let live = true;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      void loadDivisions('district')
        .then((divisions) => {
          if (!live) return;
          map.addSource('divisions', { type: 'geojson', data: divisions as Parameters<GeoJSONSource['setData']>[0] });
          map.addLayer({ id: 'divisions-fill', type: 'fill', source: 'divisions', paint: { 'fill-color': '#f4f7fb', 'fill-opacity': 0.9 } }, undefined);
          map.addLayer({ id: 'divisions-line', type: 'line', source: 'divisions', paint: { 'line-color': '#1f4e79', 'line-width': 1 } });
          if (map.getLayer('clusters')) {
            map.moveLayer('divisions-fill', 'clusters');
            map.moveLayer('divisions-line', 'clusters');
          }
        })
        .catch(() => undefined);
      map.addSource('components', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, cluster: true, clusterRadius: 48, clusterMaxZoom: 15 });
      map.addLayer({
        id: 'clusters',
        type: 'circle',
        source: 'components',
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': ['step', ['get', 'point_count'], '#69b1ff', 50, '#1677ff', 500, '#003eb3'],
          'circle-radius': ['step', ['get', 'point_count'], 14, 50, 20, 500, 28],
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 2,
        },
      });
      map.addLayer({
        id: 'points',
        type: 'circle',
        source: 'components',
        filter: ['!', ['has', 'point_count']],
        paint: { 'circle-color': ['get', 'color'], 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 },
      });
      map.on('click', 'clusters', (e) => {
        const f = e.features?.[0];
        if (!f) return;
        const id = Number(f.properties?.cluster_id);
        void (map.getSource('components') as GeoJSONSource).getClusterExpansionZoom(id).then((zoom) => {
          map.easeTo({ center: (f.geometry as { coordinates: [number, number] }).coordinates, zoom });
        });
      });
      map.on('click', 'points', (e) => {
        const code = e.features?.[0]?.properties?.code;
        if (typeof code === 'string') onSelectRef.current(code);
      });
      for (const layer of ['clusters', 'points']) {
        map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
        map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
      }
      setLoaded(true);
    });
    map.on('error', () => setState((s) => (s === 'loading' ? 'error' : s)));
    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container.current);
    return () => {
      live = false;
      resize.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    (map.getSource('components') as GeoJSONSource).setData(toFeatures(points) as Parameters<GeoJSONSource['setData']>[0]);
    if (points.length > 0) map.fitBounds(pointBounds(points) as LngLatBoundsLike, { padding: 48, duration: 0, maxZoom: 15 });
    map.once('idle', () => setState('ready'));
  }, [points, loaded]);

  return (
    <div data-testid="component-map" data-state={state} data-count={points.length} style={{ position: 'relative' }}>
      <div ref={container} role="region" aria-label={label} style={{ width: '100%', height: 520, borderRadius: 4, overflow: 'hidden' }} />
      {state === 'error' && <div style={{ padding: 12 }}>{t('map.unavailable')}</div>}
    </div>
  );
}
