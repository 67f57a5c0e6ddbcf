/**
 * The console's plain map: a flat background (the layers come from our own GeoJSON, no tile server), no rotation,
 * no attribution box (every map of the console, the resident pages and the inspector's phone starts here). Returns null when the browser cannot create a WebGL map, so the page can say so.
 */
import maplibregl from 'maplibre-gl';
import i18n from '../i18n';

/**
 * MapLibre's own words — the canvas's accessible name, the zoom buttons' titles — in the page's language: its built-in
 * English ("Map", "Zoom in") was read out on Chinese pages. Taken when the map is made: a map shown across a language
 * switch is remade (a `key` on the language) to follow it.
 */
function mapLocale(): Record<string, string> {
  return {
    'Map.Title': i18n.t('map.title'),
    'Marker.Title': i18n.t('map.marker'),
    'NavigationControl.ZoomIn': i18n.t('map.zoomIn'),
    'NavigationControl.ZoomOut': i18n.t('map.zoomOut'),
    'NavigationControl.ResetBearing': i18n.t('map.resetBearing'),
    'Popup.Close': i18n.t('map.closePopup'),
  };
}

export function createBaseMap(container: HTMLElement, view: { center: [number, number]; zoom: number; background?: string }): maplibregl.Map | null {
  try {
    return new maplibregl.Map({
      container,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': view.background ?? '#e8eef5' } }] },
      center: view.center,
      zoom: view.zoom,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      locale: mapLocale(),
    });
  } catch {
    return null;
  }
}
