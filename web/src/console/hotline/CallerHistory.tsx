/** The caller's earlier orders (来电历史), looked up by the number being typed; each opens the order's detail page. */
import { Alert, Empty, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../shared/time';
import type { OrderSummary } from './api';

export interface HistoryState {
  phone: string | null;
  loading: boolean;
  items: OrderSummary[] | null;
  error: string | null;
}

export const NO_HISTORY: HistoryState = { phone: null, loading: false, items: null, error: null };

export function CallerHistory({ state }: { state: HistoryState }) {
  const { t } = useTranslation();
  return (
    <section className="cg-hotline-panel" aria-labelledby="hotline-history-title" aria-busy={state.loading} data-testid="hotline-history">
      <Typography.Title level={2} id="hotline-history-title" className="cg-hotline-panel-title">
        {t('hotline.history.title')}
      </Typography.Title>
      <div aria-live="polite">
        {state.loading && (
          <div className="cg-hotline-muted">
            <Spin size="small" /> {t('hotline.history.loading')}
          </div>
        )}
        {!state.loading && state.error && <Alert type="error" showIcon message={state.error} />}
        {!state.loading && !state.error && state.items === null && <p className="cg-hotline-muted">{t('hotline.history.hint')}</p>}
        {!state.loading && !state.error && state.items?.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotline.history.empty')} />}
        {!state.loading && !state.error && state.items && state.items.length > 0 && (
          <p className="cg-hotline-muted" data-testid="hotline-history-count">
            {t('hotline.history.count', { count: state.items.length })}
          </p>
        )}
      </div>
      {!state.loading && state.items && state.items.length > 0 && (
        <table className="cg-hotline-history">
          <thead>
            <tr>
              {/* The date under the code: beside it, the two took most of the panel and the title wrapped a word a line
                  (and in English the table was wider than the panel). */}
              <th scope="col">
                {t('hotline.history.code')} · {t('hotline.history.date')}
              </th>
              <th scope="col">{t('hotline.history.subject')}</th>
              <th scope="col">{t('hotline.history.status')}</th>
            </tr>
          </thead>
          <tbody>
            {state.items.map((o) => (
              <tr key={o.id} data-testid="hotline-history-row">
                <td>
                  <a
                    href={`/console/work-orders/${encodeURIComponent(o.id)}`}
                    target="_blank"
                    rel="noopener noreferrer"
                    className="cg-hotline-code"
                    aria-label={t('hotline.history.open', { code: o.code })}
                  >
                    {o.code}
                  </a>
                  <div className="cg-hotline-nowrap cg-hotline-muted">{formatDateTime(o.createdAt)}</div>
                </td>
                <td className="cg-hotline-history-title">
                  <span className="cg-hotline-type">{t(`hotline.types.${o.requestType}`, { defaultValue: o.requestType })}</span> {o.title}
                </td>
                <td className="cg-hotline-nowrap">
                  <Tag className="cg-hotline-status">{t(`hotline.statuses.${o.status}`, { defaultValue: o.status })}</Tag>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
