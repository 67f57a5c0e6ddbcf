/**
 * One task on site: what was reported (text, photos, place), the deadline, and the result in a few taps — outcome,
 * a photo, a note when needed; the GPS fix is attached. The result goes to the outbox with its key and the order's
 * version as seen here; the list shows it as waiting to send until the server has it.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskView } from '@civicgrid/contracts/inspector';
import { hrefFor, needsReason, newKey, OUTCOMES, type Outcome } from './model';
import { enqueue } from './outbox';
import { PhotoPicker } from './PhotoPicker';
import { PositionLine } from './PositionLine';
import { usePosition } from './position';
import { Deadline } from './TaskList';

export function TaskDetail({ task, now, waiting }: { task: TaskView | undefined; now: number; waiting: boolean }) {
  const { t, i18n } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [pos, locate] = usePosition();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!task) {
    return (
      <section className="ip-page">
        <p className="ip-card">{t('inspector.task.gone')}</p>
        <a className="ip-button" href={hrefFor({ page: 'tasks' })}>
          {t('inspector.task.back')}
        </a>
      </section>
    );
  }
  const o = task.order;
  const submit = async () => {
    if (!outcome) return setProblem(t('inspector.task.pickOutcome'));
    if (photos.length === 0) return setProblem(t('inspector.task.needPhoto'));
    if (needsReason(outcome) && !note.trim()) return setProblem(t('inspector.task.needReason'));
    setBusy(true);
    try {
      await enqueue({
        key: newKey(),
        kind: 'result',
        path: `/api/v1/inspector/tasks/${o.id}/result`,
        body: {
          version: o.version,
          outcome,
          note: note.trim() || null,
          position: pos.state === 'ok' ? pos.position : null,
          actedAt: new Date().toISOString(),
        },
        photos: photos.map((blob) => ({ blob, uploadedId: null })),
        label: `${o.code} ${o.title}`,
        orderId: o.id,
      });
      window.location.hash = hrefFor({ page: 'tasks' });
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const named = o.category ? (i18n.language === 'en' && o.category.en ? o.category.en : o.category.zh) : null;
  const category = named && named !== o.title ? named : null;
  return (
    <section className="ip-page" aria-labelledby="task-title">
      <a className="ip-link" href={hrefFor({ page: 'tasks' })}>
        {t('inspector.task.back')}
      </a>
      <div className="ip-card ip-stack">
        <span className={`ip-kind ip-kind-${task.kind}`}>{t(`inspector.kind.${task.kind}`)}</span>
        <h1 id="task-title">{o.title}</h1>
        <p className="ip-muted">
          {o.code}
          {category ? ` · ${category}` : ''}
        </p>
        {waiting ? <span className="ip-waiting">{t('inspector.queue.waiting')}</span> : <Deadline task={task} now={now} />}
        <p className="ip-muted">{t(`inspector.task.hint.${task.kind}`)}</p>
        {o.description && <p>{o.description}</p>}
        {o.address && <p>{t('inspector.task.address', { address: o.address })}</p>}
        {o.photos.length > 0 && (
          <ul className="ip-thumbs">
            {o.photos.map((id, i) => (
              <li key={id}>
                <img src={`/api/v1/attachments/${id}?size=thumb`} alt={t('inspector.task.orderPhoto', { n: i + 1 })} loading="lazy" />
              </li>
            ))}
          </ul>
        )}
      </div>
      {!waiting && (
        <form
          className="ip-card ip-stack"
          aria-labelledby="result-title"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h2 id="result-title">{t('inspector.task.result')}</h2>
          <div className="ip-outcomes" role="radiogroup" aria-label={t('inspector.task.result')}>
            {OUTCOMES[task.kind].map((x) => (
              <button key={x} type="button" role="radio" aria-checked={outcome === x} className={outcome === x ? `ip-outcome ip-outcome-on ip-outcome-${x}` : 'ip-outcome'} onClick={() => setOutcome(x)} data-testid={`outcome-${x}`}>
                {t(`inspector.outcome.${x}`)}
              </button>
            ))}
          </div>
          <PhotoPicker photos={photos} onChange={setPhotos} />
          <label className="ip-field">
            <span>{outcome && needsReason(outcome) ? t('inspector.task.reason') : t('inspector.task.note')}</span>
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={2000} data-testid="task-note" />
          </label>
          <PositionLine pos={pos} onLocate={locate} />
          {problem && (
            <p className="ip-error" role="alert">
              {problem}
            </p>
          )}
          <button type="submit" className="ip-button ip-button-primary ip-wide" disabled={busy} data-testid="task-submit">
            {t('inspector.task.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
