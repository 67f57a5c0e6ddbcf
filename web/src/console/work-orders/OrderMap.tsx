/**
 * Where an order is: the city's districts (its own GeoJSON, offline — no tiles) and a pin at the order's point. For
 * staff who may read grids, the unit grids (网格) around the point too — the order's own grid filled and outlined,
 * its neighbours outlined, street level — so that a dispatcher sees the grid and its edges, not just a district.
 * Loaded lazily (maplibre-gl is large).
 */
import maplibregl, { type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createBaseMap } from '../../shared/map/base-map';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bounds, loadDivisions, type DivisionCollection } from '../../shared/map/geo';
import { gridsApi, type Box } from '../grids/api';

type Data = Parameters<GeoJSONSource['setData']>[0];

/** Half the side of the box of grids fetched around the point, in degrees (≈ 2 km east–west, ≈ 1.8 km north–south). */
const AROUND = { lng: 0.02, lat: 0.016 };
/** The district view, before (or without) the grids. */
const DISTRICT_ZOOM = 12;
/** Street level, when the order's own grid is not among those fetched. */
const GRID_ZOOM = 15;

export default function OrderMap({ lng, lat, label, gridCode = null, showGrids = false }: { lng: number; lat: number; label: string; gridCode?: string | null; showGrids?: boolean }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [gridCount, setGridCount] = useState(0);
  const [ownShown, setOwnShown] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    const map = createBaseMap(container.current, { center: [lng, lat], zoom: DISTRICT_ZOOM });
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
    // The grids around the point (none without the permission, or when they cannot be read: the map stays useful).
    const around: Box = [lng - AROUND.lng, lat - AROUND.lat, lng + AROUND.lng, lat + AROUND.lat];
    const grids = showGrids ? gridsApi.shapes(around).then((fc) => fc.features, () => []) : Promise.resolve([]);
    map.on('load', () => {
      void Promise.all([loadDivisions('district'), grids])
        .then(([data, features]) => {
          if (!live) return;
          map.addSource('divisions', { type: 'geojson', data: data as Data });
          map.addLayer({ id: 'divisions-fill', type: 'fill', source: 'divisions', paint: { 'fill-color': '#d7e6f5', 'fill-opacity': 0.7 } });
          map.addLayer({ id: 'divisions-line', type: 'line', source: 'divisions', paint: { 'line-color': '#1f4e79', 'line-width': 1 } });
          if (features.length > 0) {
            const code = gridCode ?? '';
            map.addSource('grids', { type: 'geojson', data: { type: 'FeatureCollection', features } as Data });
            map.addLayer({ id: 'grids-fill', type: 'fill', source: 'grids', filter: ['==', ['get', 'code'], code], paint: { 'fill-color': '#faad14', 'fill-opacity': 0.35 } });
            map.addLayer({ id: 'grids-line', type: 'line', source: 'grids', paint: { 'line-color': '#0958d9', 'line-width': 0.8 } });
            map.addLayer({ id: 'grids-own', type: 'line', source: 'grids', filter: ['==', ['get', 'code'], code], paint: { 'line-color': '#d46b08', 'line-width': 3 } });
          }
          // The order's own grid fills the view with its edges and a little of its neighbours in sight; without it,
          // the point at street level (grids around) or district level.
          const own = features.filter((f) => f.properties.code === gridCode);
          const ownBox = own.length > 0 ? bounds({ type: 'FeatureCollection', features: own } as unknown as DivisionCollection) : null;
          if (ownBox) map.fitBounds(ownBox as LngLatBoundsLike, { padding: 32, duration: 0, maxZoom: 17 });
          else map.jumpTo({ center: [lng, lat], zoom: features.length > 0 ? GRID_ZOOM : DISTRICT_ZOOM });
          setOwnShown(ownBox !== null);
          setGridCount(features.length);
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
  }, [lng, lat, gridCode, showGrids]);

  return (
    <div className="wo-map" data-testid="order-map" data-state={state} data-grids={gridCount}>
      <div ref={container} className="wo-map-canvas" role="region" aria-label={t('workOrders.detail.mapLabel', { place: label })} />
      {ownShown && gridCode && (
        <div className="wo-map-legend" data-testid="order-map-grid">
          <span className="wo-map-swatch" aria-hidden="true" />
          {t('workOrders.detail.mapGrid', { code: gridCode })}
        </div>
      )}
      {state === 'error' && <div style={{ padding: 12 }}>{t('map.unavailable')}</div>}
    </div>
  );
}
