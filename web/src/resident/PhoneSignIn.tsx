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

export function PhoneSignIn({ jurisdiction, onSignedIn, onCancel }: { jurisdiction: string | null; onSignedIn: (s: ResidentSession) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [elder] = useElderMode();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The form opens at the top of the page, from a header that stays on screen: taken there, the resident sees it open
  // even when they had scrolled far down (nothing seemed to happen).
  const phoneInput = useRef<HTMLInputElement>(null);
  useEffect(() => phoneInput.current?.focus(), []);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const cleanPhone = phone.replace(/[\s-]/g, '');
  const scope = jurisdiction ? { jurisdiction } : {};

  const sendCode = async () => {
    setError(null);
    setNotice(null);
    if (!PHONE.test(cleanPhone)) {
      setError(t('resident.signin.phoneInvalid'));
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<{ resendAfterSeconds: number }>('/api/v1/auth/phone/code', { phone: cleanPhone, ...scope });
      setSentTo(cleanPhone);
      setWait(r.resendAfterSeconds);
      setNotice(t('resident.signin.codeSent'));
    } catch (err) {
      setError(residentMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
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
            aria-invalid={error && !sentTo ? true : undefined}
            aria-describedby={error && !sentTo ? 'r-signin-error' : undefined}
            data-testid="signin-phone"
            onChange={(e) => {
              setPhone(e.target.value);
              setSentTo(null);
            }}
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
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'r-signin-error' : undefined}
              data-testid="signin-code"
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </label>
        )}
        <p className="r-notice" aria-live="polite">
          {notice}
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
