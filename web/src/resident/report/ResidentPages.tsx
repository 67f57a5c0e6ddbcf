/**
 * The resident pages behind the hash (report, track, my reports), loaded as one lazy chunk so the portal's first
 * download stays small.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useElderMode } from '../../shared/elder-mode';
import { TrackPage } from '../track/TrackPage';
import { hrefFor, type ResidentRoute } from './hash-route';
import { MyReports } from './MyReports';
import { ReportFlow } from './ReportFlow';

export interface ResidentPagesProps {
  route: Exclude<ResidentRoute, { page: 'home' }>;
  jurisdictionId: string | null;
  /** The signed-in resident's phone, masked (****8123); null when signed out or without a phone. */
  signedInPhone: string | null;
  signedIn: boolean;
  onSignIn: () => void;
}

export default function ResidentPages({ route, jurisdictionId, signedInPhone, signedIn, onSignIn }: ResidentPagesProps) {
  const { t } = useTranslation();
  const [elder] = useElderMode();
  const phoneLast4 = signedInPhone?.replace(/\D/g, '').slice(-4) ?? '';
  const title = useRef<HTMLHeadingElement>(null);
  // A new page: start at its top, with the focus on its title (screen readers announce it).
  useEffect(() => {
    window.scrollTo(0, 0);
    title.current?.focus();
  }, [route.page]);
  const titles = { report: t('residentReport.title'), track: t('residentReport.track.title'), mine: t('residentReport.mine.title') };
  return (
    <>
      <nav className="rr-crumbs" aria-label={t('residentReport.crumbs')}>
        <a href={hrefFor({ page: 'home' })}>{t('residentReport.home')}</a>
        {route.page !== 'report' && <a href={hrefFor({ page: 'report' })}>{t('residentReport.entry.report')}</a>}
        {route.page !== 'track' && <a href={hrefFor({ page: 'track', code: '', last4: '' })}>{t('residentReport.entry.track')}</a>}
        {route.page !== 'mine' && signedIn && <a href={hrefFor({ page: 'mine' })}>{t('residentReport.mine.title')}</a>}
      </nav>
      <h1 className="rr-page-title" ref={title} tabIndex={-1}>
        {titles[route.page]}
      </h1>
      {route.page === 'report' && <ReportFlow jurisdictionId={jurisdictionId} signedInPhone={signedInPhone} signedIn={signedIn} elder={elder} />}
      {route.page === 'track' && <TrackPage jurisdictionId={jurisdictionId} initialCode={route.code} initialLast4={route.last4 || phoneLast4} />}
      {route.page === 'mine' && <MyReports signedIn={signedIn} phoneLast4={phoneLast4} onSignIn={onSignIn} />}
    </>
  );
}
