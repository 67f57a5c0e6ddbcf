/**
 * 进度查询: ticket code + the last 4 digits of the phone given → the order's progress as six steps, its public
 * timeline, department and deadline; an order merged into another follows its parent; once answered or closed
 * the resident rates it (满意 / 基本满意 / 不满意, with a comment) here.
 */
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { RATINGS, type PublicTracking, type Rating } from '@civicgrid/contracts/work-orders';
import { api, ApiError } from '../../shared/api';
import { residentMessage } from '../report/http';
import { formatDateTime } from '../../shared/time';
import { go } from '../report/hash-route';
import { answeredAtIntake, normaliseCode, progressOf, showsSteps, STEPS, stepStates, textToCome, TICKET_CODE, type Step } from './progress';
import { StatusLabel, useStatusText } from './StatusLabel';

const MAX_COMMENT = 500;

/** China time in the page's language (shared/time.ts): the city's clock, whatever the phone's zone. */
const when = (iso: string) => formatDateTime(iso);

function ProgressLine({ status, answered }: { status: string; answered: boolean }) {
  const { t } = useTranslation();
  const names: Record<Step, string> = {
    accept: t('residentReport.track.steps.accept'),
    dispatch: t('residentReport.track.steps.dispatch'),
    handle: t('residentReport.track.steps.handle'),
    verify: t('residentReport.track.steps.verify'),
    close: t('residentReport.track.steps.close'),
    rate: t('residentReport.track.steps.rate'),
  };
  const p = progressOf(status);
  const states = stepStates(p, answered);
  return (
    <ol className="rr-track-line" aria-label={t('residentReport.track.progressLabel')} data-testid="track-progress" data-current={p.current}>
      {STEPS.map((s, i) => (
        <li key={s} className={`rr-${states[i]}`} aria-current={states[i] === 'current' ? 'step' : undefined}>
          <span className="rr-dot" aria-hidden="true">
            {states[i] === 'done' ? '✓' : states[i] === 'skipped' ? '–' : i + 1}
          </span>
          <span className="rr-progress-label">{names[s]}</span>
          <span className="rr-sr">
            {states[i] === 'done' ? t('residentReport.stepDone') : states[i] === 'current' ? t('residentReport.stepCurrent') : states[i] === 'skipped' ? t('residentReport.track.stepSkipped') : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}

function RatingForm({
  tracking,
  last4,
  jurisdictionId,
  onRated,
  onNotOpen,
}: {
  tracking: PublicTracking;
  last4: string;
  jurisdictionId: string;
  onRated: (t: PublicTracking) => void;
  /** The order moved on while the form was open (rated elsewhere, reopened): its status then. */
  onNotOpen: (status: string) => void;
}) {
  const { t } = useTranslation();
  const [rating, setRating] = useState<Rating | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label: Record<Rating, string> = {
    satisfied: t('residentReport.rating.satisfied'),
    basically: t('residentReport.rating.basically'),
    unsatisfied: t('residentReport.rating.unsatisfied'),
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!rating) {
      setError(t('residentReport.rating.choose'));
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<PublicTracking>('/api/v1/public/work-orders/rating', {
        jurisdictionId,
        code: tracking.code,
        phoneLast4: last4,
        rating,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      onRated(r);
    } catch (err) {
      // The server's message names the status as stored (in_progress): the page says it in the resident's words.
      const status = err instanceof ApiError && err.code === 'work_order.rating_not_open' ? (err.details as { status?: unknown } | undefined)?.status : undefined;
      if (typeof status === 'string') onNotOpen(status);
      else setError(residentMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="rr-rating" onSubmit={(e) => void submit(e)} noValidate data-testid="rating-form">
      <fieldset className="rr-fieldset">
        <legend>{t('residentReport.rating.title')}</legend>
        <div className="rr-types rr-ratings">
          {RATINGS.map((r) => (
            <label key={r} className={rating === r ? 'rr-type rr-type-on' : 'rr-type'}>
              <input type="radio" name="rr-rating" value={r} checked={rating === r} onChange={() => setRating(r)} data-testid={`rating-${r}`} />
              <span className="rr-type-name">{label[r]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label className="r-field">
        <span>{t('residentReport.rating.comment')}</span>
        <textarea rows={3} maxLength={MAX_COMMENT} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="rating-comment" aria-describedby="rr-comment-count" />
      </label>
      <p id="rr-comment-count" className="rr-counter">
        {t('residentReport.details.counter', { len: comment.length, max: MAX_COMMENT })}
      </p>
      {rating === 'unsatisfied' && <p className="r-muted">{t('residentReport.rating.unsatisfiedNote')}</p>}
      {error && (
        <p className="r-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="r-button r-button-primary" disabled={busy} data-testid="rating-submit">
        {t('residentReport.rating.submit')}
      </button>
    </form>
  );
}

function TrackingView({
  tracking,
  last4,
  jurisdictionId,
  onChange,
  onStale,
  headingRef,
}: {
  tracking: PublicTracking;
  last4: string;
  jurisdictionId: string;
  onChange: (t: PublicTracking) => void;
  /** Read the order again (it changed since it was shown). */
  onStale: () => void;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const { t, i18n } = useTranslation();
  const statusText = useStatusText();
  const [thanked, setThanked] = useState(false);
  // The status the order had when a rating was refused (it moved on while the form was open).
  const [notOpen, setNotOpen] = useState<string | null>(null);
  // Each timeline action in the resident's words (residentReport.action.*); one without words of its own says the
  // status it led to. Read from the catalogue, so an action added to it needs no second list here.
  const actionText = (action: string, to: string) => (i18n.exists(`residentReport.action.${action}`) ? t(`residentReport.action.${action}`) : statusText(to));
  const ratingText: Record<string, string> = {
    satisfied: t('residentReport.rating.satisfied'),
    basically: t('residentReport.rating.basically'),
    unsatisfied: t('residentReport.rating.unsatisfied'),
  };
  // A merged order's own steps stop at the merge; the parent's progress is what the resident waits for.
  const shownStatus = tracking.status === 'merged' && tracking.parent ? tracking.parent.status : tracking.status;
  const dept = tracking.department ? ((i18n.language === 'en' ? tracking.department.nameEn : tracking.department.nameZh) ?? tracking.department.nameZh) : null;
  const p = progressOf(shownStatus);
  const answered = answeredAtIntake(tracking.timeline);
  return (
    <section className="r-card rr-tracking" aria-labelledby="rr-tracking-title" data-testid="tracking" data-status={tracking.status}>
      <h2 id="rr-tracking-title" ref={headingRef} tabIndex={-1}>
        {tracking.title}
      </h2>
      <p className="rr-track-code">
        {t('residentReport.track.codeIs', { code: tracking.code })} <StatusLabel status={tracking.status} />
      </p>
      {tracking.parent && (
        <p className="rr-warning" data-testid="merged-note">
          {t('residentReport.track.merged', { code: tracking.parent.code, status: statusText(tracking.parent.status) })}
        </p>
      )}
      {p.stopped === 'rejected' && <p className="rr-warning">{t('residentReport.track.rejected')}</p>}
      {p.stopped === 'cancelled' && <p className="rr-warning">{t('residentReport.track.cancelled')}</p>}
      {showsSteps(p) && <ProgressLine status={shownStatus} answered={answered} />}
      <dl className="rr-facts">
        <div>
          <dt>{t('residentReport.track.created')}</dt>
          <dd>{when(tracking.createdAt)}</dd>
        </div>
        {/* A merged report is handled under the other one (the note above): its own empty department said 尚未派遣
            beside steps done. One answered at intake, rejected or withdrawn is not waiting for one. */}
        {!tracking.parent && (
          <div>
            <dt>{t('residentReport.track.department')}</dt>
            <dd data-testid="track-department">
              {dept ??
                (answered
                  ? t('residentReport.track.answeredDirectly')
                  : tracking.status === 'rejected' || tracking.status === 'cancelled'
                    ? t('residentReport.track.noDepartment')
                    : t('residentReport.track.notYet'))}
            </dd>
          </div>
        )}
        {/* The server gives the deadline only while the order is worked on and its clock runs (not once it is
            finished, paused, under review after a rating, merged or transferred). */}
        {tracking.dueAt && (
          <div data-testid="track-due">
            <dt>{t('residentReport.track.due')}</dt>
            <dd>{when(tracking.dueAt)}</dd>
          </div>
        )}
        {tracking.closedAt && (
          <div>
            <dt>{t('residentReport.track.closed')}</dt>
            <dd>{when(tracking.closedAt)}</dd>
          </div>
        )}
        {tracking.rating && (
          <div>
            <dt>{tracking.ratingDefault ? t('residentReport.track.rating') : t('residentReport.track.yourRating')}</dt>
            <dd data-testid="track-rating">{tracking.ratingDefault ? t('residentReport.track.ratingDefault') : (ratingText[tracking.rating] ?? tracking.rating)}</dd>
          </div>
        )}
      </dl>
      {thanked && (
        <p className="rr-thanks" role="status" data-testid="rating-thanks">
          {tracking.rating === 'unsatisfied' ? t('residentReport.rating.thanksUnsatisfied') : t('residentReport.rating.thanks')}
        </p>
      )}
      {notOpen && (
        <p className="rr-warning" role="alert" data-testid="rating-not-open">
          {t('residentReport.rating.notOpen', { status: statusText(notOpen) })}
        </p>
      )}
      {tracking.canRate && !notOpen && (
        <RatingForm
          tracking={tracking}
          last4={last4}
          jurisdictionId={jurisdictionId}
          onRated={(r) => {
            setThanked(true);
            onChange(r);
          }}
          onNotOpen={(status) => {
            setNotOpen(status);
            onStale();
          }}
        />
      )}
      <h3 className="rr-sub">{t('residentReport.track.timeline')}</h3>
      <ol className="rr-timeline" data-testid="track-timeline">
        {[...tracking.timeline].reverse().map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <span className="rr-timeline-when">{when(e.at)}</span>
            <span className="rr-timeline-what">{actionText(e.action, e.to)}</span>
            {e.note && <span className="rr-timeline-note">{e.note}</span>}
          </li>
        ))}
      </ol>
      {textToCome(shownStatus) && (
        <p className="r-muted" data-testid="track-sms-note">
          {t('residentReport.track.smsNote')}
        </p>
      )}
    </section>
  );
}

export function TrackPage({ jurisdictionId, initialCode, initialLast4 }: { jurisdictionId: string | null; initialCode: string; initialLast4: string }) {
  const { t } = useTranslation();
  const [code, setCode] = useState(initialCode);
  const [digits, setDigits] = useState(initialLast4);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tracking, setTracking] = useState<{ data: PublicTracking; last4: string } | null>(null);
  // The code last looked up (or taken from the address): a new code in the address is looked up, the same one is not.
  const looked = useRef<string | null>(null);
  // A result just looked up takes the focus: it opens below the form, under the fold on a phone in elder mode, where
  // nothing seemed to happen, and a screen reader said nothing.
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const [shown, setShown] = useState(0);
  useEffect(() => {
    if (shown > 0) resultHeading.current?.focus();
  }, [shown]);

  const lookUp = async (c: string, l4: string) => {
    setError(null);
    const clean = normaliseCode(c);
    looked.current = clean;
    if (!TICKET_CODE.test(clean)) {
      setError(t('residentReport.track.codeInvalid'));
      return;
    }
    if (!/^\d{4}$/.test(l4)) {
      setError(t('residentReport.track.last4Invalid'));
      return;
    }
    if (!jurisdictionId) {
      setError(t('residentReport.errors.noCity'));
      return;
    }
    setBusy(true);
    try {
      const data = await api.get<PublicTracking>('/api/v1/public/work-orders/track', { jurisdictionId, code: clean, phoneLast4: l4 });
      setTracking({ data, last4: l4 });
      setShown((n) => n + 1);
      // The code stays in the address (reload, share); the four digits do not, so they stay out of the history.
      go({ page: 'track', code: clean, last4: '' });
    } catch (err) {
      setTracking(null);
      setError(residentMessage(err));
    } finally {
      setBusy(false);
    }
  };

  // A link from the success screen or "my reports" carries both: look it up at once — also when only the address's
  // hash changed (a link followed on this page, the back button), which does not load the page again.
  useEffect(() => {
    if (!jurisdictionId || !initialCode || normaliseCode(initialCode) === looked.current) return;
    setCode(initialCode);
    if (/^\d{4}$/.test(initialLast4)) {
      setDigits(initialLast4);
      void lookUp(initialCode, initialLast4);
    } else {
      // Another order, its four digits not known: what was shown belongs to the previous code.
      looked.current = normaliseCode(initialCode);
      setTracking(null);
      setError(null);
    }
  }, [jurisdictionId, initialCode, initialLast4]);

  /** The same order read again, where it is (no focus move): after the rating found it had moved on. */
  const refresh = (l4: string, c: string) => {
    if (!jurisdictionId) return;
    api.get<PublicTracking>('/api/v1/public/work-orders/track', { jurisdictionId, code: c, phoneLast4: l4 }).then(
      (data) => setTracking({ data, last4: l4 }),
      () => undefined,
    );
  };

  return (
    <>
      <section className="r-card" aria-labelledby="rr-track-title">
        <h2 id="rr-track-title">{t('residentReport.track.formTitle')}</h2>
        <p className="r-muted">{t('residentReport.track.hint')}</p>
        <form
          className="rr-track-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void lookUp(code, digits);
          }}
        >
          <label className="r-field">
            <span>{t('residentReport.track.code')}</span>
            <input className="rr-code-input" type="text" autoCapitalize="characters" autoComplete="off" spellCheck={false} maxLength={24} value={code} placeholder="CD20260101000001" data-testid="track-code" onChange={(e) => setCode(e.target.value)} />
          </label>
          <label className="r-field">
            <span>{t('residentReport.track.last4')}</span>
            <input type="text" inputMode="numeric" pattern="[0-9]*" autoComplete="off" maxLength={4} value={digits} data-testid="track-last4" onChange={(e) => setDigits(e.target.value.replace(/\D/g, ''))} />
          </label>
          {error && (
            <p className="r-error" role="alert" data-testid="track-error">
              {error}
            </p>
          )}
          <button type="submit" className="r-button r-button-primary" disabled={busy} data-testid="track-submit">
            {busy ? t('common.loading') : t('residentReport.track.submit')}
          </button>
        </form>
      </section>
      {tracking && (
        <TrackingView
          // A new order (not the same one read again) starts without the previous one's notes.
          key={tracking.data.code}
          tracking={tracking.data}
          last4={tracking.last4}
          jurisdictionId={jurisdictionId!}
          onChange={(d) => setTracking({ data: d, last4: tracking.last4 })}
          onStale={() => refresh(tracking.last4, tracking.data.code)}
          headingRef={resultHeading}
        />
      )}
    </>
  );
}
