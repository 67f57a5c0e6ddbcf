/**
 * The city map for choosing where the problem is: the districts from the jurisdiction's own GeoJSON (no tiles,
 * offline), tap or click to drop a pin, or — without a pointer — pan with the arrow keys and put the pin at the
 * centre. Loaded lazily: maplibre-gl stays out of the portal's first download.
 */
import maplibregl, { type GeoJSONSource, type LngLatBoundsLike, type Map as MapLibreMap, type Marker } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createBaseMap } from '../../shared/map/base-map';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import '../../shared/map/city-map.css';
import { bounds, type DivisionCollection } from '../../shared/map/geo';
import type { LngLat } from './model';

export interface PinMapProps {
  data: DivisionCollection;
  value: LngLat | null;
  onChange: (p: LngLat) => void;
  height: number;
  large: boolean;
}

export default function PinMap({ data, value, onChange, height, large }: PinMapProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');

  useEffect(() => {
    if (!container.current) return;
    const map = createBaseMap(container.current, { center: [104.07, 30.67], zoom: 8 });
    if (!map) {
      setState('error');
      return;
    }
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      map.addSource('divisions', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      map.addLayer({ id: 'divisions-fill', type: 'fill', source: 'divisions', paint: { 'fill-color': '#dbe8f5', 'fill-opacity': 0.9 } });
      map.addLayer({ id: 'divisions-line', type: 'line', source: 'divisions', paint: { 'line-color': '#1f4e79', 'line-width': large ? 2 : 1.2 } });
      (map.getSource('divisions') as GeoJSONSource).setData(data as unknown as Parameters<GeoJSONSource['setData']>[0]);
      const b = bounds(data);
      if (b) map.fitBounds(b as LngLatBoundsLike, { padding: 16, duration: 0 });
      map.once('idle', () => setState('ready'));
    });
    map.on('click', (e) => onChangeRef.current({ lng: e.lngLat.lng, lat: e.lngLat.lat }));
    map.on('error', () => setState((s) => (s === 'loading' ? 'error' : s)));
    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container.current);
    return () => {
      resize.disconnect();
      markerRef.current?.remove();
      markerRef.current = null;
      map.remove();
      mapRef.current = null;
    };
    // The map is made once; the divisions do not change while the page is open.
  }, []);

  // The pin follows the chosen point (from a tap, the GPS or the centre button).
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (!value) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current) markerRef.current = new maplibregl.Marker({ color: '#c2410c', scale: large ? 1.4 : 1.1 });
    markerRef.current.setLngLat([value.lng, value.lat]).addTo(map);
    const el = markerRef.current.getElement();
    el.setAttribute('aria-hidden', 'true');
    el.removeAttribute('tabindex');
    if (!map.getBounds().contains([value.lng, value.lat])) map.easeTo({ center: [value.lng, value.lat], duration: 0 });
  }, [value, large, state]);

  return (
    <div className="rr-pinmap">
      <div className="cg-map" style={{ height }} data-testid="pin-map" data-state={state} data-pin={value ? `${value.lng.toFixed(5)},${value.lat.toFixed(5)}` : ''}>
        <div ref={container} className="cg-map-canvas" role="region" aria-label={t('residentReport.location.mapLabel')} />
        {state === 'error' && <div className="cg-map-status">{t('map.unavailable')}</div>}
      </div>
      <button
        type="button"
        className="r-button r-button-secondary"
        disabled={state !== 'ready'}
        data-testid="pin-center"
        onClick={() => {
          const c = mapRef.current?.getCenter();
          if (c) onChange({ lng: c.lng, lat: c.lat });
        }}
      >
        {t('residentReport.location.pinCentre')}
      </button>
    </div>
  );
}
