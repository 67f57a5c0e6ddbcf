/**
 * The grid layer on the city's district outlines (offline, no tiles): the grids inside the view, fetched again
 * after every move (GET /grids/geojson?bbox=, simplified by the server, bounded — a wide view says "zoom in"),
 * the selected grid highlighted; clicking a grid opens it. Loaded lazily (maplibre-gl is large).
 */
import maplibregl, { type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import { createBaseMap } from '../../shared/map/base-map';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { loadDivisions } from '../../shared/map/geo';
import { gridsApi, type Box } from './api';

type Data = Parameters<GeoJSONSource['setData']>[0];

export default function GridMap({ label, selected, focus, onSelect }: { label: string; selected: string | null; focus: Box | null; onSelect: (code: string) => void }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [loaded, setLoaded] = useState(false);
  const [count, setCount] = useState(0);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const map = createBaseMap(container.current, { center: [104.07, 30.66], zoom: 11.5 });
    if (!map) {
      setState('error');
      return;
    }
    mapRef.current = map;
    let live = true;
    let asked = 0;
    const refresh = () => {
      const b = map.getBounds();
      const box: Box = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())];
      const mine = ++asked;
      gridsApi.shapes(box).then(
        (fc) => {
          if (!live || mine !== asked) return;
          (map.getSource('grids') as GeoJSONSource).setData(fc as Data);
          setCount(fc.features.length);
          setTruncated(fc.truncated);
          setError(null);
          map.once('idle', () => live && mine === asked && setState('ready'));
        },
        (e: unknown) => live && mine === asked && setError(errorMessage(e)),
      );
    };
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      map.addSource('divisions', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      map.addLayer({ id: 'divisions-fill', type: 'fill', source: 'divisions', paint: { 'fill-color': '#f4f7fb', 'fill-opacity': 0.9 } });
      map.addLayer({ id: 'divisions-line', type: 'line', source: 'divisions', paint: { 'line-color': '#1f4e79', 'line-width': 1.5 } });
      void loadDivisions('district')
        .then((divisions) => live && (map.getSource('divisions') as GeoJSONSource).setData(divisions as Data))
        .catch(() => undefined);
      map.addSource('grids', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'code' });
      map.addLayer({
        id: 'grids-fill',
        type: 'fill',
        source: 'grids',
        paint: { 'fill-color': ['case', ['==', ['get', 'code'], ''], '#faad14', '#4096ff'], 'fill-opacity': ['case', ['==', ['get', 'code'], ''], 0.55, 0.12] },
      });
      map.addLayer({ id: 'grids-line', type: 'line', source: 'grids', paint: { 'line-color': '#0958d9', 'line-width': 0.6 } });
      map.addLayer({ id: 'grids-selected', type: 'line', source: 'grids', filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#d46b08', 'line-width': 3 } });
      map.on('click', 'grids-fill', (e) => {
        const code = e.features?.[0]?.properties?.code;
        if (typeof code === 'string') onSelectRef.current(code);
      });
      map.on('mouseenter', 'grids-fill', () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', 'grids-fill', () => (map.getCanvas().style.cursor = ''));
      map.on('moveend', refresh);
      refresh();
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

  // The selected grid: filled orange and outlined.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const code = selected ?? '';
    map.setPaintProperty('grids-fill', 'fill-color', ['case', ['==', ['get', 'code'], code], '#faad14', '#4096ff']);
    map.setPaintProperty('grids-fill', 'fill-opacity', ['case', ['==', ['get', 'code'], code], 0.55, 0.12]);
    map.setFilter('grids-selected', ['==', ['get', 'code'], code]);
  }, [selected, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !focus) return;
    map.fitBounds([focus[0], focus[1], focus[2], focus[3]] as LngLatBoundsLike, { padding: 80, duration: 0, maxZoom: 15 });
  }, [focus, loaded]);

  return (
    <div data-testid="grid-map" data-state={state} data-count={count} style={{ position: 'relative' }}>
      <div ref={container} role="region" aria-label={label} style={{ width: '100%', height: 520, borderRadius: 4, overflow: 'hidden' }} />
      <div style={{ position: 'absolute', left: 8, bottom: 8, background: 'rgba(255,255,255,0.92)', padding: '2px 8px', borderRadius: 4, fontSize: 12, color: '#262626' }} data-testid="grid-map-status">
        {error ?? (truncated ? t('grids.map.truncated', { n: count }) : t('grids.map.count', { n: count }))}
      </div>
      {state === 'error' && <div style={{ padding: 12 }}>{t('map.unavailable')}</div>}
    </div>
  );
}
