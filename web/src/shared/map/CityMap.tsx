/**
 * The map used everywhere: MapLibre GL drawing only the jurisdiction's own GeoJSON (no tiles, no glyphs, no
 * sprites — it works offline and under a strict CSP). Names are DOM labels, because text layers would need a
 * glyph server. Clicking a division (or choosing it from `selectedCode`) shows its name and GB/T 2260 code.
 *
 * This module pulls in maplibre-gl (~250 kB gzipped): import it lazily (`React.lazy`) so pages that do not show
 * a map, and the first paint of those that do, do not pay for it.
 */
import maplibregl, { type GeoJSONSource, type LngLatBoundsLike, type Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createBaseMap } from './base-map';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './city-map.css';
import { bounds, divisionName, labelPoint, type DivisionCollection, type DivisionProps } from './geo';

const PALETTE = ['#cfe3f7', '#d7ecd9', '#f6e3c8', '#e5dcf3', '#f3d6dc', '#d4eeee'];

export interface CityMapProps {
  data: DivisionCollection;
  selectedCode?: string | null;
  onSelect?: (division: DivisionProps | null) => void;
  height?: number | string;
  /** Larger labels and stronger outlines (elder mode). */
  large?: boolean;
  /** A fill colour per division code (a choropleth); divisions without one keep the default palette. */
  fills?: Record<string, string>;
  /** Frame these divisions instead of all of them (e.g. those with open orders); all when none of them is found. */
  focusCodes?: readonly string[];
}

export default function CityMap({ data, selectedCode = null, onSelect, height = 420, large = false, fills, focusCodes }: CityMapProps) {
  const { t, i18n } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const popupRef = useRef<maplibregl.Popup | null>(null);
  const markersRef = useRef<maplibregl.Marker[]>([]);
  const selectedRef = useRef<string | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [ready, setReady] = useState(false);

  // Create the map once.
  useEffect(() => {
    if (!container.current) return;
    const map = createBaseMap(container.current, { center: [104.07, 30.67], zoom: 7 });
    if (!map) {
      setState('error');
      return;
    }
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      map.addSource('divisions', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'code' });
      map.addLayer({
        id: 'divisions-fill',
        type: 'fill',
        source: 'divisions',
        paint: {
          'fill-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#ffb020', ['get', 'fill']],
          'fill-opacity': 0.85,
        },
      });
      map.addLayer({
        id: 'divisions-line',
        type: 'line',
        source: 'divisions',
        paint: { 'line-color': '#1f4e79', 'line-width': 1.2 },
      });
      map.on('click', (e) => {
        const hit = map.queryRenderedFeatures(e.point, { layers: ['divisions-fill'] })[0];
        const props = (hit?.properties ?? null) as DivisionProps | null;
        onSelectRef.current?.(props && props.code ? props : null);
        if (!props?.code) popupRef.current?.remove();
      });
      map.on('mousemove', 'divisions-fill', () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', 'divisions-fill', () => (map.getCanvas().style.cursor = ''));
      setReady(true);
    });
    map.on('error', () => setState((s) => (s === 'loading' ? 'error' : s)));
    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container.current);
    return () => {
      resize.disconnect();
      markersRef.current.forEach((m) => m.remove());
      popupRef.current?.remove();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // Data, colours and labels.
  const fillKey = fills ? JSON.stringify(fills) : '';
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const features = data.features.map((f, i) => ({
      ...f,
      properties: { ...f.properties, fill: fills?.[f.properties.code] ?? PALETTE[i % PALETTE.length] },
    }));
    (map.getSource('divisions') as GeoJSONSource).setData({ type: 'FeatureCollection', features } as Parameters<GeoJSONSource['setData']>[0]);
    markersRef.current.forEach((m) => m.remove());
    markersRef.current = data.features.map((f) => {
      const el = document.createElement('div');
      el.className = 'cg-map-label';
      el.style.fontSize = large ? '16px' : '12px';
      el.textContent = divisionName(f.properties, i18n.language);
      el.dataset.code = f.properties.code;
      return new maplibregl.Marker({ element: el }).setLngLat(labelPoint(f)).addTo(map);
    });
    map.setPaintProperty('divisions-line', 'line-width', large ? 2 : 1.2);
    map.once('idle', () => setState('ready'));
  }, [data, ready, large, i18n.language, fillKey]);

  // The view: the divisions (or those in focus) framed, once per data and focus — a change of colours leaves the
  // user's zoom alone.
  const focusKey = focusCodes?.join(',') ?? '';
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const focus = new Set(focusKey ? focusKey.split(',') : []);
    const framed = data.features.filter((f) => focus.has(f.properties.code));
    const b = bounds(framed.length > 0 ? { ...data, features: framed } : data);
    if (b) map.fitBounds(b as LngLatBoundsLike, { padding: 24, duration: 0 });
  }, [data, ready, focusKey]);

  // Selection: highlight and a popup with the name and the GB/T 2260 code.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    if (selectedRef.current) map.setFeatureState({ source: 'divisions', id: selectedRef.current }, { selected: false });
    selectedRef.current = selectedCode;
    popupRef.current?.remove();
    if (!selectedCode) return;
    const f = data.features.find((x) => x.properties.code === selectedCode);
    if (!f) return;
    map.setFeatureState({ source: 'divisions', id: selectedCode }, { selected: true });
    const box = document.createElement('div');
    box.className = 'cg-map-popup';
    box.setAttribute('role', 'status');
    const name = document.createElement('strong');
    name.textContent = divisionName(f.properties, i18n.language);
    const code = document.createElement('span');
    code.textContent = `${t('map.code')}: ${f.properties.code}`;
    box.append(name, code);
    popupRef.current = new maplibregl.Popup({ closeButton: true, closeOnClick: false, maxWidth: '260px' })
      .setLngLat(labelPoint(f))
      .setDOMContent(box)
      .addTo(map);
    popupRef.current.on('close', () => {
      if (selectedRef.current === selectedCode) onSelectRef.current?.(null);
    });
  }, [selectedCode, data, ready, i18n.language, t]);

  return (
    <div
      className="cg-map"
      style={{ height }}
      data-testid="city-map"
      data-state={state}
      data-feature-count={state === 'ready' ? data.features.length : 0}
      data-selected={selectedCode ?? ''}
    >
      <div ref={container} className="cg-map-canvas" role="region" aria-label={t('map.label')} />
      {state === 'error' && <div className="cg-map-status">{t('map.unavailable')}</div>}
    </div>
  );
}
