import { useTranslation } from 'react-i18next';
import type { PositionState } from './position';

/** The GPS fix a result or report will carry, with a button to ask again. */
export function PositionLine({ pos, onLocate }: { pos: PositionState; onLocate: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="ip-position" data-testid="position" data-state={pos.state}>
      <span aria-live="polite">
        {pos.state === 'ok'
          ? t('inspector.position.ok', { lat: pos.position.lat.toFixed(5), lon: pos.position.lng.toFixed(5), acc: pos.position.accuracyM ?? '?' })
          : pos.state === 'locating'
            ? t('inspector.position.locating')
            : t('inspector.position.unavailable')}
      </span>
      <button type="button" className="ip-link" onClick={onLocate}>
        {t('inspector.position.again')}
      </button>
    </div>
  );
}
