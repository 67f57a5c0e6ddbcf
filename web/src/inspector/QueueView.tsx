/** The device's outbox: what waits to be sent (or was refused, with the server's reason), and what was sent. */
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../shared/time';
import { discard, flush, retry, type QueuedItem, type SentItem } from './outbox';

export function QueueView({ queued, sent, online }: { queued: QueuedItem[]; sent: SentItem[]; online: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="ip-page" aria-labelledby="queue-title">
      <div className="ip-page-head">
        <h1 id="queue-title">{t('inspector.queue.title')}</h1>
        <button type="button" className="ip-button" disabled={!online || queued.length === 0} onClick={() => void flush()} data-testid="queue-send">
          {t('inspector.queue.sendNow')}
        </button>
      </div>
      <p className="ip-muted">{online ? t('inspector.queue.online') : t('inspector.queue.offline')}</p>
      {queued.length === 0 && <p className="ip-card" data-testid="queue-empty">{t('inspector.queue.empty')}</p>}
      <ul className="ip-list" data-testid="queue-list">
        {queued.map((item) => (
          <li key={item.key} className="ip-card ip-stack" data-testid="queue-item" data-state={item.state}>
            <span className="ip-task-title">{item.label}</span>
            <span className="ip-muted">
              {t(`inspector.queue.kind.${item.kind}`)} · {formatDateTime(item.createdAt)} · {t('inspector.queue.photos', { n: item.photos.length })}
            </span>
            {item.state === 'waiting' ? (
              <span className="ip-waiting">{t('inspector.queue.waiting')}</span>
            ) : (
              <>
                <span className="ip-error" role="alert">
                  {t('inspector.queue.refused', { reason: item.error ?? '' })}
                </span>
                <div className="ip-row">
                  <button type="button" className="ip-button" onClick={() => void retry(item.key)}>
                    {t('inspector.queue.retry')}
                  </button>
                  <button type="button" className="ip-button" onClick={() => void discard(item.key)}>
                    {t('inspector.queue.discard')}
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      {sent.length > 0 && (
        <>
          <h2>{t('inspector.queue.sent')}</h2>
          <ul className="ip-list" data-testid="sent-list">
            {sent.map((s) => (
              <li key={s.key} className="ip-card ip-stack" data-testid="sent-item" data-code={s.orderCode}>
                <span className="ip-task-title">{s.label}</span>
                <span className="ip-muted">
                  {t('inspector.queue.sentAs', { code: s.orderCode })} · {formatDateTime(s.at)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
