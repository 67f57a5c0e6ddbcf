/**
 * Where an order is: the city's districts (its own GeoJSON, offline — no tiles) and a pin at the order's point.
 * Loaded lazily (maplibre-gl is large).
 */
import maplibregl, { type LngLatBoundsLike } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createBaseMap } from '../../shared/map/base-map';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bounds, loadDivisions } from '../../shared/map/geo';

export default function OrderMap({ lng, lat, label }: { lng: number; lat: number; label: string }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');

  useEffect(() => {
    if (!container.current) return;
    const map = createBaseMap(container.current, { center: [lng, lat], zoom: 12 });
    if (!map) {
      setState('error');
      return;
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const pin = document.createElement('div');
    pin.className = 'wo-pin';
    pin.setAttribute('aria-hidden', 'true');
    new maplibregl.Marker({ element: pin, anchor: 'bottom' }).setLngLat([lng, lat]).addTo(map);
    let live = true;
    map.on('load', () => {
      void loadDivisions('district')
        .then((data) => {
          if (!live) return;
          map.addSource('divisions', { type: 'geojson', data: data as Parameters<maplibregl.GeoJSONSource['setData']>[0] });
          map.addLayer({ id: 'divisions-fill', type: 'fill', source: 'divisions', paint: { 'fill-color': '#d7e6f5', 'fill-opacity': 0.7 } });
          map.addLayer({ id: 'divisions-line', type: 'line', source: 'divisions', paint: { 'line-color': '#1f4e79', 'line-width': 1 } });
          const b = bounds(data);
          if (b) map.fitBounds(b as LngLatBoundsLike, { padding: 16, duration: 0 });
          map.flyTo({ center: [lng, lat], zoom: 12, duration: 0 });
          map.once('idle', () => live && setState('ready'));
        })
        .catch(() => live && setState('ready'));
    });
    map.on('error', () => setState((s) => (s === 'loading' ? 'error' : s)));
    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container.current);
    return () => {
      live = false;
      resize.disconnect();
      map.remove();
    };
  }, [lng, lat]);

  return (
    <div className="wo-map" data-testid="order-map" data-state={state}>
      <div ref={container} className="wo-map-canvas" role="region" aria-label={t('workOrders.detail.mapLabel', { place: label })} />
      {state === 'error' && <div style={{ padding: 12 }}>{t('map.unavailable')}</div>}
    </div>
  );
}
