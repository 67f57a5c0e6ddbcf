/**
 * My grids on a map with my position and my open tasks (MapLibre, no tiles: the grid outlines are the map, so it
 * works offline from the device's copy). Loaded lazily: maplibre-gl is large.
 */
import maplibregl, { type GeoJSONSource, type Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createBaseMap } from '../shared/map/base-map';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskView } from '@civicgrid/contracts/inspector';
import type { Grid } from './data';
import type { Position } from './position';

type Feature = { type: 'Feature'; properties: Record<string, string | number | boolean>; geometry: { type: string; coordinates: unknown } };
const collection = (features: Feature[]) => ({ type: 'FeatureCollection' as const, features });

function extend(b: [number, number, number, number] | null, x: number, y: number): [number, number, number, number] {
  return b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
}

function walk(coords: unknown, visit: (x: number, y: number) => void): void {
  if (Array.isArray(coords) && typeof coords[0] === 'number') visit(coords[0], coords[1] as number);
  else if (Array.isArray(coords)) for (const c of coords) walk(c, visit);
}

export default function PatrolMap({ grids, tasks, me }: { grids: Grid[]; tasks: TaskView[]; me: Position | null }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!box.current) return;
    const map = createBaseMap(box.current, { center: [104.07, 30.66], zoom: 13, background: '#eef2ee' });
    if (!map) {
      setFailed(true);
      return;
    }
    mapRef.current = map;
    // The lazy chunk's styles may arrive after the map measured its box: follow the box's real size.
    const observer = new ResizeObserver(() => map.resize());
    observer.observe(box.current);
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      map.addSource('grids', { type: 'geojson', data: collection([]) });
      map.addSource('tasks', { type: 'geojson', data: collection([]) });
      map.addSource('me', { type: 'geojson', data: collection([]) });
      map.addLayer({ id: 'grids-fill', type: 'fill', source: 'grids', paint: { 'fill-color': '#b7dfc3', 'fill-opacity': 0.6 } });
      map.addLayer({ id: 'grids-line', type: 'line', source: 'grids', paint: { 'line-color': '#0f5132', 'line-width': 2 } });
      map.addLayer({
        id: 'tasks',
        type: 'circle',
        source: 'tasks',
        paint: { 'circle-radius': 8, 'circle-color': ['case', ['get', 'overdue'], '#b42318', '#b54708'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
      });
      map.addLayer({ id: 'me', type: 'circle', source: 'me', paint: { 'circle-radius': 9, 'circle-color': '#1d4ed8', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 } });
      map.resize();
      setReady(true);
    });
    return () => {
      observer.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('grids') as GeoJSONSource).setData(collection(grids.map((g) => ({ type: 'Feature', properties: { code: g.code }, geometry: g.geometry }))));
    (map.getSource('tasks') as GeoJSONSource).setData(
      collection(tasks.filter((x) => x.order.location).map((x) => ({ type: 'Feature', properties: { overdue: x.overdue, code: x.order.code }, geometry: { type: 'Point', coordinates: [x.order.location!.lng, x.order.location!.lat] } }))),
    );
    (map.getSource('me') as GeoJSONSource).setData(collection(me ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [me.lng, me.lat] } }] : []));
    let b: [number, number, number, number] | null = null;
    for (const g of grids) walk(g.geometry.coordinates, (x, y) => (b = extend(b, x, y)));
    if (me) b = extend(b, me.lng, me.lat);
    if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 24, duration: 0, maxZoom: 17 });
  }, [ready, grids, tasks, me]);

  return (
    <div className="ip-map-box">
      <div ref={box} className="ip-map" role="region" aria-label={t('inspector.map.label', { grids: grids.length, tasks: tasks.length })} data-testid="patrol-map" data-ready={ready} />
      {failed && <p className="ip-error">{t('inspector.map.failed')}</p>}
    </div>
  );
}
