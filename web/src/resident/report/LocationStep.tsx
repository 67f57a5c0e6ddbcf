/**
 * Step 2: where it is — the phone's position (navigator.geolocation), a pin on the city map, or an address typed
 * in (any of them; together is best). A point outside the city is flagged here already; the server's 422 at
 * submit is the final word.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { divisionName } from '../../shared/map/geo';
import { useDivisions } from '../../shared/map/use-divisions';
import { MAX_ADDRESS, pointInAny, type LngLat } from './model';
import { exampleProps, FieldExample } from './FieldExample';

const PinMap = lazy(() => import('./PinMap'));

type GeoProblem = 'denied' | 'timeout' | 'unavailable' | 'unsupported';
type GeoState = { kind: 'idle' } | { kind: 'locating' } | { kind: 'error'; problem: GeoProblem };

export function LocationStep({
  point,
  address,
  onPoint,
  onAddress,
  elder,
  addressError,
}: {
  point: LngLat | null;
  address: string;
  onPoint: (p: LngLat | null) => void;
  onAddress: (s: string) => void;
  elder: boolean;
  addressError: string | null;
}) {
  const { t, i18n } = useTranslation();
  const { data, error } = useDivisions('district');
  const [geo, setGeo] = useState<GeoState>({ kind: 'idle' });

  // The district the point is in: named beside the coordinates, which alone tell a resident nothing.
  const district = useMemo(() => (point && data ? (data.features.find((f) => pointInAny(point, [f.geometry]))?.properties ?? null) : null), [point, data]);
  const outside = point !== null && data !== null && data.features.length > 0 && district === null;

  const geoMessage: Record<GeoProblem, string> = {
    denied: t('residentReport.location.gpsDenied'),
    timeout: t('residentReport.location.gpsTimeout'),
    unavailable: t('residentReport.location.gpsUnavailable'),
    unsupported: t('residentReport.location.gpsUnsupported'),
  };

  const locate = () => {
    if (!('geolocation' in navigator) || !window.isSecureContext) {
      setGeo({ kind: 'error', problem: 'unsupported' });
      return;
    }
    setGeo({ kind: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setGeo({ kind: 'idle' });
        onPoint({ lng: pos.coords.longitude, lat: pos.coords.latitude });
      },
      (err) =>
        setGeo({ kind: 'error', problem: err.code === err.PERMISSION_DENIED ? 'denied' : err.code === err.TIMEOUT ? 'timeout' : 'unavailable' }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  return (
    <div className="rr-step-body">
      <p className="r-muted">{elder ? t('residentReport.location.hintElder') : t('residentReport.location.hint')}</p>
      <button type="button" className="r-button r-button-primary" onClick={locate} disabled={geo.kind === 'locating'} data-testid="use-gps">
        {geo.kind === 'locating' ? t('residentReport.location.locating') : t('residentReport.location.useGps')}
      </button>
      {geo.kind === 'error' && (
        <p className="r-error" role="alert" data-testid="gps-error">
          {geoMessage[geo.problem]}
        </p>
      )}
      <h3 className="rr-sub">{t('residentReport.location.mapTitle')}</h3>
      <p className="r-muted">{t('residentReport.location.mapHint')}</p>
      {error && (
        <p className="r-error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <div className="r-map-placeholder">{t('common.loading')}</div>}
      {data && (
        <Suspense fallback={<div className="r-map-placeholder">{t('common.loading')}</div>}>
          {/* Remade on a language switch, so its zoom buttons follow the page's language; the pin comes from `point`. */}
          <PinMap key={i18n.language} data={data} value={point} onChange={onPoint} height={elder ? 340 : 300} large={elder} />
        </Suspense>
      )}
      <p className="rr-point" aria-live="polite" data-testid="point-text">
        {!point
          ? t('residentReport.location.noPoint')
          : district
            ? t('residentReport.location.pointInDistrict', { district: divisionName(district, i18n.language), lon: point.lng.toFixed(5), lat: point.lat.toFixed(5) })
            : t('residentReport.location.pointChosen', { lon: point.lng.toFixed(5), lat: point.lat.toFixed(5) })}
      </p>
      {outside && (
        <p className="r-error" role="alert" data-testid="outside-warning">
          {t('residentReport.location.outside')}
        </p>
      )}
      {point && (
        <button type="button" className="r-button r-button-plain" onClick={() => onPoint(null)} data-testid="clear-point">
          {t('residentReport.location.clearPoint')}
        </button>
      )}
      <label className="r-field">
        <span>{t('residentReport.location.address')}</span>
        <FieldExample id="rr-address-example" text={t('residentReport.location.addressPlaceholder')} elder={elder} />
        <input
          type="text"
          autoComplete="street-address"
          maxLength={MAX_ADDRESS}
          value={address}
          aria-invalid={addressError ? true : undefined}
          {...exampleProps('rr-address-example', t('residentReport.location.addressPlaceholder'), elder, addressError ? 'rr-address-error' : undefined)}
          data-testid="address"
          onChange={(e) => onAddress(e.target.value)}
        />
      </label>
      {addressError && (
        <p id="rr-address-error" className="r-error">
          {addressError}
        </p>
      )}
    </div>
  );
}
