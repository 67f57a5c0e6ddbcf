/** 我的上报: a signed-in resident's own reports (GET /api/v1/work-orders?mine=true), newest first, with status. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { StatusLabel } from '../track/StatusLabel';
import { hrefFor } from './hash-route';
import { formatDateTime } from '../../shared/time';

interface Summary {
  id: string;
  code: string;
  title: string;
  status: string;
  createdAt: string;
  dueAt: string | null;
  parentId: string | null;
}

export function MyReports({ signedIn, phoneLast4, onSignIn }: { signedIn: boolean; phoneLast4: string; onSignIn: () => void }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Summary[] | null>(null);
  const [more, setMore] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = (cursor: string | null) => {
    setLoading(true);
    api.get<{ items: Summary[]; nextCursor: string | null }>('/api/v1/work-orders', { mine: 'true', limit: 20, cursor }).then(
      (r) => {
        setItems((old) => (cursor && old ? [...old, ...r.items] : r.items));
        setMore(r.nextCursor);
        setLoading(false);
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    if (signedIn) load(null);
  }, [signedIn]);

  return (
    <section className="r-card" aria-labelledby="rr-mine-title" data-testid="my-reports">
      <h2 id="rr-mine-title">{t('residentReport.mine.listTitle')}</h2>
      {!signedIn ? (
        <>
          <p className="r-muted">{t('residentReport.mine.signInFirst')}</p>
          <button type="button" className="r-button r-button-primary" onClick={onSignIn}>
            {t('resident.signin.open')}
          </button>
        </>
      ) : (
        <>
          {error && (
            <p className="r-error" role="alert">
              {error}
            </p>
          )}
          {items === null && !error && <p className="r-muted">{t('common.loading')}</p>}
          {items !== null && items.length === 0 && <p className="r-muted">{t('residentReport.mine.empty')}</p>}
          {items !== null && items.length > 0 && (
            <ul className="rr-mine">
              {items.map((o) => (
                <li key={o.id} data-testid="my-report">
                  <a href={hrefFor({ page: 'track', code: o.code, last4: phoneLast4 })}>
                    <span className="rr-mine-title">{o.title}</span>
                    <span className="rr-mine-meta">
                      {o.code} · {formatDateTime(o.createdAt)}
                    </span>
                  </a>
                  <StatusLabel status={o.status} />
                </li>
              ))}
            </ul>
          )}
          {more && (
            <button type="button" className="r-button r-button-secondary" disabled={loading} onClick={() => load(more)}>
              {t('residentReport.mine.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
