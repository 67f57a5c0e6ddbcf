/** The portal home's way in: report a problem (随手拍), track a report, and — signed in — my reports. */
import { useTranslation } from 'react-i18next';
import { hrefFor } from './hash-route';

export function ReportEntry({ signedIn, elder }: { signedIn: boolean; elder: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="r-card rr-entry" aria-labelledby="rr-entry-title">
      <h2 id="rr-entry-title">{t('residentReport.entry.title')}</h2>
      <p className="r-muted">{elder ? t('residentReport.entry.textElder') : t('residentReport.entry.text')}</p>
      <div className="rr-entry-actions">
        <a className="r-button r-button-primary" href={hrefFor({ page: 'report' })} data-testid="open-report">
          {t('residentReport.entry.report')}
        </a>
        <a className="r-button r-button-secondary" href={hrefFor({ page: 'track', code: '', last4: '' })} data-testid="open-track">
          {t('residentReport.entry.track')}
        </a>
        {signedIn && (
          <a className="r-button r-button-secondary" href={hrefFor({ page: 'mine' })} data-testid="open-mine">
            {t('residentReport.mine.title')}
          </a>
        )}
      </div>
    </section>
  );
}
