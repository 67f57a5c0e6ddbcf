/**
 * The console's plain map: a flat background (the layers come from our own GeoJSON, no tile server), no rotation,
 * no attribution box (every map of the console, the resident pages and the inspector's phone starts here). Returns null when the browser cannot create a WebGL map, so the page can say so.
 */
import maplibregl from 'maplibre-gl';

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
    });
  } catch {
    return null;
  }
}
