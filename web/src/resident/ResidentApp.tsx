/**
 * The resident portal: mobile-first, readable without signing in, no Ant Design (the page must stay light on a
 * phone). Every page has the language switch and the elder-mode switch in its header.
 */
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { setLanguage, currentLanguage } from '../shared/i18n';
import { useElderMode } from '../shared/elder-mode';
import { divisionName, type DivisionProps } from '../shared/map/geo';
import { useDivisions } from '../shared/map/use-divisions';
import { useJurisdiction } from '../shared/use-jurisdiction';
import { PhoneSignIn, signOut, useResidentSession, type ResidentSession } from './PhoneSignIn';
import { useHashRoute } from './report/hash-route';
import { ReportEntry } from './report/ReportEntry';

const CityMap = lazy(() => import('../shared/map/CityMap'));
// Report, track and my reports (#/report, #/track, #/mine): one lazily loaded chunk.
const ResidentPages = lazy(() => import('./report/ResidentPages'));

interface HeaderProps {
  session: ResidentSession | null;
  onSignIn: () => void;
  onSignOut: () => void;
}

function Header({ session, onSignIn, onSignOut }: HeaderProps) {
  const { t } = useTranslation();
  const [elder, setElder] = useElderMode();
  const lang = currentLanguage();
  const city = useJurisdiction();
  const cityName = city ? (lang === 'en' ? city.nameEn : city.nameZh) : null;
  return (
    <header className="r-header">
      <div className="r-brand">
        <span className="r-logo" aria-hidden="true" />
        <span data-testid="resident-brand">{cityName ? t('resident.brandWithCity', { city: cityName }) : t('resident.brand')}</span>
      </div>
      <div className="r-tools">
        <button
          type="button"
          className="r-chip"
          lang={lang === 'en' ? 'zh-CN' : 'en'}
          onClick={() => void setLanguage(lang === 'en' ? 'zh-CN' : 'en')}
        >
          {t('common.switchLanguage')}
        </button>
        {/* A toggle button: one fixed name, its state in aria-pressed (a name that changed with the state was read
            out as "标准模式, pressed" — the opposite of what was on). */}
        <button
          type="button"
          className={elder ? 'r-chip r-chip-on' : 'r-chip'}
          aria-pressed={elder}
          data-testid="elder-toggle"
          onClick={() => setElder(!elder)}
        >
          {t('resident.elder.label')}
        </button>
        {session ? (
          <>
            <span className="r-signed-in" data-testid="signed-in">
              {session.phone ? t('resident.signin.signedInAs', { phone: session.phone }) : t('resident.signin.signedIn')}
            </span>
            <button type="button" className="r-chip" data-testid="signout" onClick={onSignOut}>
              {t('resident.signin.signOut')}
            </button>
          </>
        ) : (
          <button type="button" className="r-chip" data-testid="signin-open" onClick={onSignIn}>
            {t('resident.signin.open')}
          </button>
        )}
      </div>
    </header>
  );
}

function Districts() {
  const { t, i18n } = useTranslation();
  const [elder] = useElderMode();
  const { data, error } = useDivisions('district');
  const [selected, setSelected] = useState<DivisionProps | null>(null);
  return (
    <section className="r-card" aria-labelledby="r-districts-title">
      <h2 id="r-districts-title">{t('resident.districts.title')}</h2>
      <p className="r-muted">{elder ? t('resident.districts.hintElder') : t('resident.districts.hint')}</p>
      {error && (
        <p className="r-error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p className="r-muted">{t('common.loading')}</p>}
      {data && (
        <>
          <Suspense fallback={<div className="r-map-placeholder">{t('common.loading')}</div>}>
            <CityMap
              // Remade on a language switch, so its zoom buttons follow the page's language.
              key={i18n.language}
              data={data}
              height={elder ? 360 : 320}
              large={elder}
              selectedCode={selected?.code ?? null}
              onSelect={setSelected}
            />
          </Suspense>
          <p className="r-selected" aria-live="polite" data-testid="selected-division">
            {selected
              ? t('resident.districts.selected', { name: divisionName(selected, i18n.language), code: selected.code })
              : ''}
          </p>
          <ul className="r-division-list" aria-label={t('resident.districts.listLabel')}>
            {data.features.map((f) => (
              <li key={f.properties.code}>
                <button
                  type="button"
                  aria-pressed={selected?.code === f.properties.code}
                  onClick={() => setSelected(f.properties)}
                >
                  {divisionName(f.properties, i18n.language)}
                </button>
              </li>
            ))}
          </ul>
          <p className="r-attribution">{t('map.attribution')}</p>
        </>
      )}
    </section>
  );
}

export function ResidentApp() {
  const { t } = useTranslation();
  const [elder] = useElderMode();
  const city = useJurisdiction();
  const [session, setSession] = useResidentSession();
  const [signingIn, setSigningIn] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const route = useHashRoute();
  const doSignOut = () => {
    setSignOutError(null);
    signOut().then(
      () => setSession(null),
      () => setSignOutError(t('resident.signin.signOutFailed')),
    );
  };
  return (
    <>
      <a className="r-skip" href="#main">
        {t('common.skipToContent')}
      </a>
      <Header session={session} onSignIn={() => setSigningIn(true)} onSignOut={doSignOut} />
      <main id="main" className="r-main">
        {signOutError && (
          <p className="r-error" role="alert">
            {signOutError}
          </p>
        )}
        {signingIn && !session && (
          <PhoneSignIn
            jurisdiction={city?.id ?? null}
            onSignedIn={(s) => {
              setSession(s);
              setSigningIn(false);
            }}
            onCancel={() => setSigningIn(false)}
          />
        )}
        {route.page !== 'home' ? (
          <Suspense fallback={<p className="r-muted">{t('common.loading')}</p>}>
            <ResidentPages
              route={route}
              jurisdictionId={city?.id ?? null}
              signedInPhone={session?.phone ?? null}
              signedIn={session !== null}
              onSignIn={() => setSigningIn(true)}
            />
          </Suspense>
        ) : (
          <>
            <section className="r-hero">
              <h1>{elder ? t('resident.hero.titleElder') : t('resident.hero.title')}</h1>
              <p>{elder ? t('resident.hero.textElder') : t('resident.hero.text')}</p>
            </section>
            <ReportEntry signedIn={session !== null} elder={elder} />
            <section className="r-card" aria-labelledby="r-hotline-title">
              <h2 id="r-hotline-title">{t('resident.hotline.title')}</h2>
              <p>{elder ? t('resident.hotline.textElder') : t('resident.hotline.text')}</p>
              <a className="r-button r-button-primary" href="tel:12345">
                {t('resident.hotline.call')}
              </a>
            </section>
            <Districts />
          </>
        )}
      </main>
      <footer className="r-footer">
        <a href="/console/">{t('resident.staffLink')}</a>
        <span>{t('resident.footer')}</span>
      </footer>
    </>
  );
}
