/**
 * 随手拍: report a problem in three steps — photos, location, description — with a progress indicator and
 * back/next, then the ticket code. One Idempotency-Key per report: a double tap is ignored while sending, and a
 * retry after a network failure resends the very same request, so the server never files two orders.
 */
import { Fragment, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { codeGroups } from '../track/progress';
import { DetailsStep } from './DetailsStep';
import { hrefFor } from './hash-route';
import { postJsonWithKey, residentMessage } from './http';
import { LocationStep } from './LocationStep';
import { buildBody, emptyDraft, last4, MAX_ADDRESS, newIdempotencyKey, validateDetails, type FieldErrors, type PublicReportBody, type ReportDraft } from './model';
import { PhotoStep, type PhotoItem } from './PhotoStep';

interface Filed {
  code: string;
  status: string;
  dueAt: string | null;
  last4: string | null;
}


function Success({ filed, signedIn, onAgain }: { filed: Filed; signedIn: boolean; onAgain: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const copy = () => {
    const done = () => setCopied('yes');
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(filed.code).then(done, () => setCopied('no'));
    else setCopied('no');
  };
  return (
    <section className="r-card rr-success" aria-labelledby="rr-success-title" data-testid="report-success">
      <h2 id="rr-success-title" ref={heading} tabIndex={-1}>
        {t('residentReport.success.title')}
      </h2>
      <p>{t('residentReport.success.codeLabel')}</p>
      <p className="rr-code" data-testid="ticket-code">
        {/* Too wide for a phone at this size: it may break between prefix, day and number only (<wbr>), never mid-number. */}
        {codeGroups(filed.code).map((part, i) => (
          <Fragment key={i}>
            {i > 0 && <wbr />}
            {part}
          </Fragment>
        ))}
      </p>
      <button type="button" className="r-button r-button-secondary" onClick={copy} data-testid="copy-code">
        {t('residentReport.success.copy')}
      </button>
      <p className="r-notice" aria-live="polite">
        {copied === 'yes' ? t('residentReport.success.copied') : copied === 'no' ? t('residentReport.success.copyFailed') : ''}
      </p>
      {filed.dueAt && <p data-testid="due-at">{t('residentReport.success.due', { due: formatDateTime(filed.dueAt) })}</p>}
      <h3 className="rr-sub">{t('residentReport.success.nextTitle')}</h3>
      <ol className="rr-next">
        <li>{t('residentReport.success.next1')}</li>
        {/* An anonymous report has no number to text. */}
        {filed.last4 && <li data-testid="next-sms">{t('residentReport.success.next2')}</li>}
        <li>{filed.last4 ? t('residentReport.success.next3') : t('residentReport.success.next3Anonymous')}</li>
      </ol>
      <div className="r-actions">
        {filed.last4 && (
          <a className="r-button r-button-primary" href={hrefFor({ page: 'track', code: filed.code, last4: filed.last4 })} data-testid="track-link">
            {t('residentReport.success.track')}
          </a>
        )}
        {signedIn && (
          <a className="r-button r-button-secondary" href={hrefFor({ page: 'mine' })}>
            {t('residentReport.mine.title')}
          </a>
        )}
        <button type="button" className="r-button r-button-plain" onClick={onAgain}>
          {t('residentReport.success.again')}
        </button>
      </div>
    </section>
  );
}

const STEP_COUNT = 3;

export function ReportFlow({ jurisdictionId, signedInPhone, signedIn, elder }: { jurisdictionId: string | null; signedInPhone: string | null; signedIn: boolean; elder: boolean }) {
  const { t } = useTranslation();
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<ReportDraft>(emptyDraft);
  const [photos, setPhotos] = useState<PhotoItem[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [key, setKey] = useState(newIdempotencyKey);
  /** A request whose answer never came (network): a retry sends it again, unchanged, with the same key. */
  const [pending, setPending] = useState<PublicReportBody | null>(null);
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const [submitError, setSubmitError] = useState<{ message: string; outside: boolean } | null>(null);
  const [filed, setFiled] = useState<Filed | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const update = (patch: Partial<ReportDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const titles = [t('residentReport.steps.photo'), t('residentReport.steps.location'), t('residentReport.steps.details')];
  const uploading = photos.some((p) => p.state === 'uploading');

  const next = () => {
    if (step === 1 && draft.address.trim().length > MAX_ADDRESS) {
      setErrors({ address: 'residentReport.errors.addressTooLong' });
      return;
    }
    setErrors({});
    setStep((s) => Math.min(STEP_COUNT - 1, s + 1));
  };
  const back = () => setStep((s) => Math.max(0, s - 1));

  const submit = async () => {
    if (sending.current) return;
    setSubmitError(null);
    const found = validateDetails(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const first = (['description', 'title', 'phone', 'name'] as const).find((k) => found[k]);
      if (first) document.querySelector<HTMLElement>(`[data-testid="${first}"]`)?.focus();
      return;
    }
    if (uploading) {
      setSubmitError({ message: t('residentReport.errors.photosUploading'), outside: false });
      return;
    }
    if (!jurisdictionId) {
      setSubmitError({ message: t('residentReport.errors.noCity'), outside: false });
      return;
    }
    const withPhotos: ReportDraft = { ...draft, attachmentIds: photos.filter((p) => p.state === 'done' && p.id).map((p) => p.id!) };
    const body = pending ?? buildBody(withPhotos, jurisdictionId, 'web');
    sending.current = true;
    setBusy(true);
    try {
      const r = await postJsonWithKey<{ code: string; status: string; dueAt: string | null }>('/api/v1/public/work-orders', body, key);
      setPending(null);
      setFiled({ ...r, last4: body.reporter ? last4(body.reporter.phone) : null });
    } catch (err) {
      // No answer, or the server failed: the order may exist, so the retry must be the same request.
      const unknown = !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
      setPending(unknown ? body : null);
      setSubmitError({ message: residentMessage(err), outside: err instanceof ApiError && err.code === 'work_order.outside_jurisdiction' });
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const again = () => {
    setDraft(emptyDraft());
    setPhotos([]);
    setErrors({});
    setSubmitError(null);
    setPending(null);
    setFiled(null);
    setKey(newIdempotencyKey());
    setStep(0);
  };

  if (filed) return <Success filed={filed} signedIn={signedIn} onAgain={again} />;

  return (
    <section className="r-card rr-flow" aria-labelledby="rr-step-title" data-testid="report-flow" data-step={step + 1}>
      <ol className="rr-progress" aria-label={t('residentReport.progressLabel')}>
        {titles.map((title, i) => (
          <li key={title} className={i < step ? 'rr-done' : i === step ? 'rr-current' : 'rr-todo'} aria-current={i === step ? 'step' : undefined}>
            <span className="rr-dot" aria-hidden="true">
              {i + 1}
            </span>
            <span className="rr-progress-label">{title}</span>
            <span className="rr-sr">{i < step ? t('residentReport.stepDone') : i === step ? t('residentReport.stepCurrent') : ''}</span>
          </li>
        ))}
      </ol>
      <h2 id="rr-step-title" ref={heading} tabIndex={-1}>
        {t('residentReport.stepOf', { n: step + 1, total: STEP_COUNT, title: titles[step] })}
      </h2>
      {step === 0 && <PhotoStep photos={photos} setPhotos={setPhotos} jurisdictionId={jurisdictionId} />}
      {step === 1 && (
        <LocationStep
          point={draft.point}
          address={draft.address}
          onPoint={(point) => update({ point })}
          onAddress={(address) => update({ address })}
          elder={elder}
          addressError={errors.address ? t(errors.address) : null}
        />
      )}
      {step === 2 && <DetailsStep draft={draft} update={update} errors={errors} jurisdictionId={jurisdictionId} signedInPhone={signedInPhone} elder={elder} />}
      {pending && step === 2 && (
        <p className="rr-warning" data-testid="retry-note">
          {t('residentReport.submit.retryNote')}
        </p>
      )}
      {submitError && (
        <div className="rr-submit-error" role="alert" data-testid="submit-error">
          <p className="r-error">{submitError.message}</p>
          {submitError.outside && (
            <button type="button" className="r-button r-button-secondary" onClick={() => setStep(1)}>
              {t('residentReport.submit.fixLocation')}
            </button>
          )}
        </div>
      )}
      <div className="rr-nav">
        {step > 0 && (
          <button type="button" className="r-button r-button-secondary" onClick={back} disabled={busy} data-testid="step-back">
            {t('residentReport.back')}
          </button>
        )}
        {step < STEP_COUNT - 1 ? (
          <button type="button" className="r-button r-button-primary" onClick={next} data-testid="step-next">
            {step === 0 && photos.length === 0 ? t('residentReport.skip') : t('residentReport.next')}
          </button>
        ) : (
          <button type="button" className="r-button r-button-primary" onClick={() => void submit()} disabled={busy} aria-busy={busy} data-testid="submit">
            {busy ? t('residentReport.submit.sending') : pending ? t('residentReport.submit.retry') : t('residentReport.submit.send')}
          </button>
        )}
      </div>
    </section>
  );
}
