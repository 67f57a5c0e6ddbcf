/**
 * Residents sign in with their mobile number and a six-digit code sent by SMS. No Ant Design here: plain
 * inputs, large in elder mode, numeric keyboards on phones, the code offered by the phone's SMS autofill.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../shared/api';
import { useElderMode } from '../shared/elder-mode';
import { residentMessage } from './report/http';

export interface ResidentSession {
  /** Masked (****1234), or null for a signed-in user without a phone (staff visiting the portal). */
  phone: string | null;
}

/** The current sign-in (null while unknown or signed out) and a setter for sign-in / sign-out. */
export function useResidentSession(): [ResidentSession | null, (s: ResidentSession | null) => void] {
  const [session, setSession] = useState<ResidentSession | null>(null);
  useEffect(() => {
    let live = true;
    api.get<{ phone: string | null }>('/api/v1/auth/phone').then(
      (r) => live && setSession({ phone: r.phone }),
      // Not signed in (401) or offline: the portal reads fine without a session.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return [session, setSession];
}

export async function signOut(): Promise<void> {
  try {
    await api.post('/api/v1/auth/logout');
  } catch (err) {
    // Already signed out on the server: nothing to undo.
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
}

const PHONE = /^(?:\+?86)?1[3-9]\d{9}$/;

/** The number as the server keys its resend limit (without +86), so 138… and +86 138… share one countdown. */
const phoneKey = (typed: string) => typed.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');

/**
 * The resend countdown and whom it holds: one number (the server allows one code per number per minute), or every
 * number (`phone: null`: the server's bound per client address).
 */
interface Cooldown {
  phone: string | null;
  seconds: number;
}

/** The server's wait in a 429 (`details.retryAfterSeconds`, and `scope` 'phone' or 'client'), if it said one. */
function cooldownOf(err: unknown, phone: string): Cooldown | null {
  if (!(err instanceof ApiError) || err.status !== 429) return null;
  const d = err.details as { retryAfterSeconds?: unknown; scope?: unknown } | undefined;
  if (typeof d?.retryAfterSeconds !== 'number' || d.retryAfterSeconds <= 0) return null;
  return { phone: d.scope === 'client' ? null : phone, seconds: Math.ceil(d.retryAfterSeconds) };
}

export function PhoneSignIn({ jurisdiction, onSignedIn, onCancel }: { jurisdiction: string | null; onSignedIn: (s: ResidentSession) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [elder] = useElderMode();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  // The number a code was last sent to; the code field shows while that is the number in the phone field (a
  // corrected number asks for its own code, and typing the first one back brings its code field back).
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);
  const [cooldown, setCooldown] = useState<Cooldown | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A refusal to wait (429) is not about what was typed: the fields are not marked invalid for it.
  const [errorIsWait, setErrorIsWait] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // The form opens at the top of the page, from a header that stays on screen: taken there, the resident sees it open
  // even when they had scrolled far down (nothing seemed to happen).
  const phoneInput = useRef<HTMLInputElement>(null);
  useEffect(() => phoneInput.current?.focus(), []);

  useEffect(() => {
    if (!cooldown) return;
    const timer = setTimeout(() => setCooldown((c) => (c && c.seconds > 1 ? { ...c, seconds: c.seconds - 1 } : null)), 1000);
    return () => clearTimeout(timer);
  }, [cooldown]);

  const cleanPhone = phone.replace(/[\s-]/g, '');
  // A corrected number is not held by the countdown of the mistyped one: its code may be asked for at once (the
  // server says so if not).
  const wait = cooldown && (cooldown.phone === null || cooldown.phone === phoneKey(cleanPhone)) ? cooldown.seconds : 0;
  const sentTo = codeSentTo !== null && phoneKey(codeSentTo) === phoneKey(cleanPhone) ? codeSentTo : null;
  const scope = jurisdiction ? { jurisdiction } : {};

  const sendCode = async () => {
    setError(null);
    setErrorIsWait(false);
    setNotice(null);
    if (!PHONE.test(cleanPhone)) {
      setError(t('resident.signin.phoneInvalid'));
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<{ resendAfterSeconds: number }>('/api/v1/auth/phone/code', { phone: cleanPhone, ...scope });
      setCodeSentTo(cleanPhone);
      setCooldown(r.resendAfterSeconds > 0 ? { phone: phoneKey(cleanPhone), seconds: r.resendAfterSeconds } : null);
      setNotice(t('resident.signin.codeSent'));
    } catch (err) {
      // Too soon (429): the server's words, and its wait on the button.
      const held = cooldownOf(err, phoneKey(cleanPhone));
      if (held) setCooldown(held);
      // "A code was just sent" to this number (another tab, a minute ago): its code field, to type that code.
      if (held?.phone) setCodeSentTo(cleanPhone);
      setErrorIsWait(err instanceof ApiError && err.status === 429);
      setError(residentMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setErrorIsWait(false);
    if (!sentTo) {
      await sendCode();
      return;
    }
    if (!/^\d{6}$/.test(code)) {
      setError(t('resident.signin.codeInvalid'));
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<{ phone: string }>('/api/v1/auth/phone/login', { phone: sentTo, code, ...scope });
      onSignedIn({ phone: r.phone });
    } catch (err) {
      setError(residentMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="r-card r-signin" aria-labelledby="r-signin-title">
      <h2 id="r-signin-title">{t('resident.signin.title')}</h2>
      <p className="r-muted">{elder ? t('resident.signin.hintElder') : t('resident.signin.hint')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label className="r-field">
          <span>{t('resident.signin.phone')}</span>
          <input
            ref={phoneInput}
            type="tel"
            inputMode="numeric"
            autoComplete="tel-national"
            maxLength={16}
            value={phone}
            aria-invalid={error && !sentTo && !errorIsWait ? true : undefined}
            aria-describedby={error && !sentTo ? 'r-signin-error' : undefined}
            data-testid="signin-phone"
            onChange={(e) => setPhone(e.target.value)}
          />
        </label>
        <button type="button" className="r-button r-button-secondary" disabled={busy || wait > 0} data-testid="signin-send" onClick={() => void sendCode()}>
          {wait > 0 ? t('resident.signin.resendIn', { seconds: wait }) : sentTo ? t('resident.signin.resend') : t('resident.signin.send')}
        </button>
        {sentTo && (
          <label className="r-field">
            <span>{t('resident.signin.code')}</span>
            <input
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              value={code}
              aria-invalid={error && !errorIsWait ? true : undefined}
              aria-describedby={error ? 'r-signin-error' : undefined}
              data-testid="signin-code"
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </label>
        )}
        <p className="r-notice" aria-live="polite">
          {/* "Code sent" is about the number it went to, not one typed since. */}
          {sentTo ? notice : null}
        </p>
        {/* A refusal (wrong or expired code, bad number) in the server's words, without a request id to puzzle over. */}
        {error && (
          <p id="r-signin-error" className="r-error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <div className="r-actions">
          {sentTo && (
            <button type="submit" className="r-button r-button-primary" disabled={busy} data-testid="signin-submit">
              {t('resident.signin.submit')}
            </button>
          )}
          <button type="button" className="r-button r-button-plain" onClick={onCancel}>
            {t('resident.signin.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
