/**
 * 话务台 — the hotline console (agents; `work_order.caller_history`). One screen, keyboard first:
 * phone (caller history appears beside the form) → name → request type (keys 1–5) → title → description (the
 * classifier's category suggestion and the knowledge base follow the text) → category (Enter or Alt+S accepts the
 * suggestion) → address → district → urgency → Ctrl+Enter submits with the call's Idempotency-Key. The ticket code
 * is shown to be read to the caller and the form is ready for the next call with focus in the phone field.
 * An enquiry can be answered from the knowledge base at first contact: the order is created and answered at once.
 */
import { Alert, Button, Input, Radio, Select, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { useAuth } from '../auth';
import type { CategorySuggestion } from '@civicgrid/contracts/categories';
import { answerOrder, callerHistory, categories, classify, createOrder, districts, recordArticleUse, type Article, type DistrictItem, type OrderDetail } from './api';
import { CallerHistory, NO_HISTORY, type HistoryState } from './CallerHistory';
import {
  answeredCall,
  answerNote,
  CALL_TYPES,
  callTypeForKey,
  canAnswerFromKnowledge,
  categoryOptions,
  classifyText,
  cleanPhone,
  createBody,
  DESCRIPTION_MAX,
  EMPTY_CALL,
  isValidPhone,
  knowledgeQuery,
  lookupTiming,
  matchesCategory,
  newIdempotencyKey,
  parseTally,
  problemsOf,
  shortcutOf,
  tally,
  URGENCIES,
  worthClassifying,
  type CallForm,
  type CallType,
  type CategoryItem,
  type CategoryOption,
  type FieldProblem,
  type SessionTally,
} from './hotline';
import { KnowledgePanel } from './KnowledgePanel';
import './hotline.css';

const LOOKUP_PAUSE_MS = 600;
const CLASSIFY_PAUSE_MS = 400;

interface Done {
  code: string;
  status: string;
  dueAt: string | null;
  warning: string | null;
}

/** Backspace or Delete in a select with a value and no search text: clear it. */
function clearsSelect(e: KeyboardEvent<HTMLDivElement>, search: string, value: string | null): boolean {
  if ((e.key !== 'Backspace' && e.key !== 'Delete') || search !== '' || value === null) return false;
  e.preventDefault();
  return true;
}

function Kbd({ children }: { children: string }) {
  return <kbd className="cg-kbd">{children}</kbd>;
}

export function HotlinePage() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const tallyKey = `cg.hotline.tally.${me?.user.id ?? 'anon'}`;

  const [form, setForm] = useState<CallForm>(EMPTY_CALL);
  const [idemKey, setIdemKey] = useState(() => newIdempotencyKey());
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [answeringId, setAnsweringId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [session, setSession] = useState<SessionTally>(() => parseTally(sessionStorage.getItem(tallyKey)));

  const [history, setHistory] = useState<HistoryState>(NO_HISTORY);
  const lookedUp = useRef<string | null>(null);

  const [categoryItems, setCategoryItems] = useState<CategoryItem[]>([]);
  const [districtItems, setDistrictItems] = useState<DistrictItem[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [suggestion, setSuggestion] = useState<CategorySuggestion | null | undefined>(undefined);
  /** The text the shown suggestion was computed from (tests wait for the one of the whole text). */
  const [suggestedFor, setSuggestedFor] = useState('');
  const [suggesting, setSuggesting] = useState(false);
  const [categoryOpen, setCategoryOpen] = useState(false);
  const [categorySearch, setCategorySearch] = useState('');
  const [districtSearch, setDistrictSearch] = useState('');
  const [kbBox, setKbBox] = useState('');

  const phoneRef = useRef<HTMLInputElement | null>(null);
  const submitting = useRef(false);

  const set = useCallback(<K extends keyof CallForm>(key: K, value: CallForm[K]) => setForm((f) => ({ ...f, [key]: value })), []);

  // Reference data: the category tree and the districts.
  useEffect(() => {
    let live = true;
    Promise.all([categories(), districts()]).then(
      ([c, d]) => {
        if (!live) return;
        setCategoryItems(c.items ?? []);
        setDistrictItems(d.items);
      },
      (e: unknown) => live && setLoadError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const options: CategoryOption[] = useMemo(() => categoryOptions(categoryItems, i18n.language), [categoryItems, i18n.language]);
  const optionByCode = useMemo(() => new Map(options.map((o) => [o.value, o])), [options]);
  const knownCodes = useMemo(() => new Set(options.map((o) => o.value)), [options]);
  const categoryName = (code: string) => optionByCode.get(code)?.label ?? code;

  // Caller history: at once for a complete mobile number, after a pause for anything else long enough.
  const lookup = useCallback((raw: string) => {
    const phone = cleanPhone(raw);
    if (!isValidPhone(phone) || lookedUp.current === phone) return;
    lookedUp.current = phone;
    setHistory({ phone, loading: true, items: null, error: null });
    callerHistory(phone).then(
      (r) => lookedUp.current === phone && setHistory({ phone, loading: false, items: r.items, error: null }),
      (e: unknown) => {
        if (lookedUp.current !== phone) return;
        lookedUp.current = null;
        setHistory({ phone, loading: false, items: null, error: errorMessage(e) });
      },
    );
  }, []);

  useEffect(() => {
    const timing = lookupTiming(form.phone);
    if (timing === 'now') {
      lookup(form.phone);
      return;
    }
    if (timing === 'no') {
      if (cleanPhone(form.phone) === '') {
        lookedUp.current = null;
        setHistory(NO_HISTORY);
      }
      return;
    }
    const timer = setTimeout(() => lookup(form.phone), LOOKUP_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [form.phone, lookup]);

  // The classifier's suggestion follows the title and description.
  const text = classifyText(form.title, form.description);
  useEffect(() => {
    if (!worthClassifying(text)) {
      setSuggestion(undefined);
      setSuggesting(false);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      setSuggesting(true);
      classify(text).then(
        (r) => {
          if (!live) return;
          setSuggestion(r.suggestion);
          setSuggestedFor(text);
          setSuggesting(false);
        },
        () => {
          // A suggestion is a help, not a step: without it the agent picks the category.
          if (!live) return;
          setSuggestion(undefined);
          setSuggesting(false);
        },
      );
    }, CLASSIFY_PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);

  const suggested = suggestion && knownCodes.has(suggestion.categoryCode) ? suggestion : null;
  const acceptSuggestion = useCallback(() => {
    if (!suggested) return false;
    set('categoryCode', suggested.categoryCode);
    setCategorySearch('');
    setCategoryOpen(false);
    return true;
  }, [suggested, set]);

  const focusPhone = () => phoneRef.current?.focus();

  const focusProblem = (p: FieldProblem) => {
    const id = p === 'phone' ? 'hotline-phone' : p === 'title' ? 'hotline-title' : null;
    if (id) document.getElementById(id)?.focus();
    else (document.querySelector<HTMLInputElement>('#hotline-type input:checked') ?? document.querySelector<HTMLInputElement>('#hotline-type input'))?.focus();
  };

  const nextCall = (result: Done, answered: boolean) => {
    setDone(result);
    setSession((s) => {
      const next = tally(s, answered);
      try {
        sessionStorage.setItem(tallyKey, JSON.stringify(next));
      } catch {
        // Not remembered across reloads; still counted on this page.
      }
      return next;
    });
    setForm(EMPTY_CALL);
    setIdemKey(newIdempotencyKey());
    setProblems([]);
    setError(null);
    setSuggestion(undefined);
    setCategorySearch('');
    setCategoryOpen(false);
    setKbBox('');
    lookedUp.current = null;
    setHistory(NO_HISTORY);
    // After React has rendered the empty form.
    setTimeout(focusPhone, 0);
  };

  const check = (f: CallForm): f is CallForm & { requestType: CallType } => {
    const found = problemsOf(f);
    setProblems(found);
    if (found.length > 0) {
      focusProblem(found[0]!);
      return false;
    }
    return true;
  };

  const submit = async () => {
    if (submitting.current) return;
    if (!check(form)) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    try {
      const { order } = await createOrder(createBody(form), idemKey);
      nextCall({ code: order.code, status: order.status, dueAt: order.dueAt, warning: null }, false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  };

  /** 首接负责: create the enquiry, answer it with the article, count the article's use. */
  const answerWith = async (article: Article) => {
    if (submitting.current || !canAnswerFromKnowledge(form.requestType)) return;
    const call = answeredCall(form, article, knownCodes);
    if (!check(call)) return;
    submitting.current = true;
    setAnsweringId(article.id);
    setError(null);
    try {
      const created = await createOrder(createBody(call), idemKey);
      let order: OrderDetail = created.order;
      if (order.status !== 'answered') {
        try {
          order = (await answerOrder(order.id, order.version, answerNote(article.answer))).order;
        } catch (e) {
          // A retry of this call after the answer went through: the order is already answered.
          if (!(e instanceof ApiError && e.status === 409)) throw e;
          const current = (await api.get<{ order: OrderDetail }>(`/api/v1/work-orders/${encodeURIComponent(order.id)}`)).order;
          if (current.status !== 'answered') throw e;
          order = current;
        }
      }
      let warning: string | null = null;
      try {
        await recordArticleUse(article.id, order.id);
      } catch (e) {
        warning = t('hotline.ticket.useWarning', { message: errorMessage(e) });
      }
      nextCall({ code: order.code, status: order.status, dueAt: order.dueAt, warning }, true);
    } catch (e) {
      // Keep what was typed and the call's key: trying again returns the same order, never a second one.
      setForm(call);
      setError(errorMessage(e));
    } finally {
      submitting.current = false;
      setAnsweringId(null);
    }
  };

  // Page-wide shortcuts (also from the menu or the header): the newest handler, one listener in the capture phase.
  const onShortcut = (e: globalThis.KeyboardEvent) => {
    const s = shortcutOf(e);
    if (!s) return;
    e.preventDefault();
    e.stopPropagation();
    if (s === 'submit') void submit();
    else if (s === 'acceptSuggestion') acceptSuggestion();
    else if (s === 'phone') focusPhone();
    else if (s === 'knowledge') {
      const target = document.querySelector<HTMLButtonElement>('[data-answer]:not([disabled])') ?? document.getElementById('hotline-kb-search');
      target?.focus();
    }
  };

  const shortcutRef = useRef(onShortcut);
  shortcutRef.current = onShortcut;
  useEffect(() => {
    const listener = (e: globalThis.KeyboardEvent) => shortcutRef.current(e);
    window.addEventListener('keydown', listener, true);
    return () => window.removeEventListener('keydown', listener, true);
  }, []);

  // Keys 1–5 pick the request type while the radio group has focus.
  const onTypeKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const type = callTypeForKey(e.key);
    if (!type) return;
    e.preventDefault();
    set('requestType', type);
    setProblems((p) => p.filter((x) => x !== 'requestType'));
    document.querySelector<HTMLInputElement>(`#hotline-type input[value="${type}"]`)?.focus();
  };

  // Enter in the closed, empty category field accepts the suggestion (Enter in the open list picks an option);
  // Backspace or Delete with nothing typed clears the choice (no clear button: it would be a stop in the Tab order).
  const onCategoryKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (clearsSelect(e, categorySearch, form.categoryCode)) {
      set('categoryCode', null);
      return;
    }
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
    if (categoryOpen || categorySearch !== '' || form.categoryCode !== null) return;
    if (acceptSuggestion()) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const onDistrictKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (clearsSelect(e, districtSearch, form.districtCode)) set('districtCode', null);
  };

  const problem = (p: FieldProblem) => problems.includes(p);
  const canAnswer = canAnswerFromKnowledge(form.requestType);
  // The code to read out stays large until the next call is being typed, then shrinks to a line.
  const idle = form === EMPTY_CALL;

  return (
    <div className="cg-hotline">
      <div className="cg-hotline-head">
        <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22, marginBottom: 4 }}>
          {t('hotline.title')}
        </Typography.Title>
        <p className="cg-hotline-tally" data-testid="hotline-tally" aria-live="polite">
          {t('hotline.tally', { handled: session.handled, answered: session.answered })}
        </p>
      </div>
      <p className="cg-hotline-muted" style={{ marginTop: 0 }}>
        {t('hotline.intro')}
      </p>
      <ul className="cg-hotline-shortcuts" aria-label={t('hotline.shortcuts.label')}>
        <li>
          <Kbd>Ctrl</Kbd>+<Kbd>Enter</Kbd> {t('hotline.shortcuts.submit')}
        </li>
        <li>
          <Kbd>1</Kbd>–<Kbd>5</Kbd> {t('hotline.shortcuts.types')}
        </li>
        <li>
          <Kbd>Alt</Kbd>+<Kbd>S</Kbd> {t('hotline.shortcuts.accept')}
        </li>
        <li>
          <Kbd>Alt</Kbd>+<Kbd>K</Kbd> {t('hotline.shortcuts.knowledge')}
        </li>
        <li>
          <Kbd>Alt</Kbd>+<Kbd>P</Kbd> {t('hotline.shortcuts.phone')}
        </li>
      </ul>

      <div role="status" aria-live="polite">
        {done && !idle && (
          <p className="cg-hotline-previous" data-testid="hotline-previous">
            {t('hotline.ticket.previous')} <span className="cg-hotline-code">{done.code}</span>
          </p>
        )}
        {done && idle && (
          <div className="cg-hotline-ticket" data-testid="hotline-ticket">
            <span>{t('hotline.ticket.readOut')}</span>
            <span className="cg-hotline-ticket-code" data-testid="hotline-ticket-code">
              {done.code}
            </span>
            <span className="cg-hotline-ticket-status" data-testid="hotline-ticket-status" data-status={done.status}>
              {done.status === 'answered' ? t('hotline.ticket.answered') : t('hotline.ticket.received')}
              {done.dueAt && done.status !== 'answered' ? ` · ${t('hotline.ticket.due', { date: t('time.withZone', { at: formatDateTime(done.dueAt) }) })}` : ''}
            </span>
            {done.warning && <Alert type="warning" showIcon message={done.warning} style={{ width: '100%' }} />}
          </div>
        )}
      </div>

      <span id="hotline-clear-hint" className="cg-visually-hidden">
        {t('hotline.form.clearHint')}
      </span>
      <div className="cg-hotline-grid">
        <form
          className="cg-hotline-form"
          aria-label={t('hotline.form.label')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {loadError && <Alert type="warning" showIcon message={loadError} style={{ marginBottom: 12 }} />}
          {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} data-testid="hotline-error" />}

          <div className="cg-hotline-row">
            <div className="cg-hotline-field">
              <label htmlFor="hotline-phone" className="cg-hotline-label">
                {t('hotline.form.phone')}
              </label>
              <Input
                id="hotline-phone"
                ref={(r) => {
                  phoneRef.current = r?.input ?? null;
                }}
                autoFocus
                inputMode="tel"
                autoComplete="off"
                size="large"
                value={form.phone}
                status={problem('phone') ? 'error' : undefined}
                aria-invalid={problem('phone')}
                aria-describedby={problem('phone') ? 'hotline-phone-error' : undefined}
                placeholder={t('hotline.form.phonePlaceholder')}
                onChange={(e) => set('phone', e.target.value)}
                onBlur={() => lookup(form.phone)}
                data-testid="hotline-phone"
              />
              {problem('phone') && (
                <div id="hotline-phone-error" className="cg-hotline-error">
                  {t('hotline.form.phoneInvalid')}
                </div>
              )}
            </div>
            <div className="cg-hotline-field">
              <label htmlFor="hotline-name" className="cg-hotline-label">
                {t('hotline.form.name')}
              </label>
              <Input
                id="hotline-name"
                autoComplete="off"
                size="large"
                value={form.name}
                placeholder={t('hotline.form.namePlaceholder')}
                onChange={(e) => set('name', e.target.value)}
                data-testid="hotline-name"
              />
            </div>
          </div>

          <div className="cg-hotline-field">
            <span id="hotline-type-label" className="cg-hotline-label">
              {t('hotline.form.requestType')}
            </span>
            <div onKeyDown={onTypeKey}>
              <Radio.Group
                id="hotline-type"
                name="hotline-type"
                optionType="button"
                buttonStyle="solid"
                aria-labelledby="hotline-type-label"
                aria-describedby={problem('requestType') ? 'hotline-type-error' : undefined}
                value={form.requestType}
                onChange={(e) => {
                  set('requestType', e.target.value as CallType);
                  setProblems((p) => p.filter((x) => x !== 'requestType'));
                }}
                data-testid="hotline-type"
              >
                {CALL_TYPES.map((type, i) => (
                  <Radio.Button key={type} value={type} data-testid={`hotline-type-${type}`}>
                    <span className="cg-kbd-inline" aria-hidden>
                      {i + 1}
                    </span>
                    {t(`hotline.types.${type}`)}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </div>
            {problem('requestType') && (
              <div id="hotline-type-error" className="cg-hotline-error">
                {t('hotline.form.requestTypeMissing')}
              </div>
            )}
          </div>

          <div className="cg-hotline-field">
            <label htmlFor="hotline-title" className="cg-hotline-label">
              {t('hotline.form.title')}
            </label>
            <Input
              id="hotline-title"
              autoComplete="off"
              maxLength={200}
              value={form.title}
              status={problem('title') ? 'error' : undefined}
              aria-invalid={problem('title')}
              aria-describedby={problem('title') ? 'hotline-title-error' : undefined}
              placeholder={t('hotline.form.titlePlaceholder')}
              onChange={(e) => {
                set('title', e.target.value);
                setProblems((p) => p.filter((x) => x !== 'title'));
              }}
              data-testid="hotline-title"
            />
            {problem('title') && (
              <div id="hotline-title-error" className="cg-hotline-error">
                {t('hotline.form.titleMissing')}
              </div>
            )}
          </div>

          <div className="cg-hotline-field">
            <label htmlFor="hotline-description" className="cg-hotline-label">
              {t('hotline.form.description')}
            </label>
            <Input.TextArea
              id="hotline-description"
              autoSize={{ minRows: 3, maxRows: 8 }}
              maxLength={DESCRIPTION_MAX}
              value={form.description}
              placeholder={t('hotline.form.descriptionPlaceholder')}
              aria-describedby="hotline-description-count"
              onChange={(e) => {
                set('description', e.target.value);
                setProblems((p) => p.filter((x) => x !== 'title'));
              }}
              data-testid="hotline-description"
            />
            <div id="hotline-description-count" className="cg-hotline-muted cg-hotline-count">
              {t('hotline.form.descriptionCount', { count: form.description.length, max: DESCRIPTION_MAX })}
            </div>
          </div>

          <div className="cg-hotline-field">
            <label htmlFor="hotline-category" className="cg-hotline-label">
              {t('hotline.form.category')}
            </label>
            <div onKeyDownCapture={onCategoryKey}>
              <Select<string>
                id="hotline-category"
                showSearch={{
                  filterOption: (input, option) => (option ? matchesCategory(input, option as CategoryOption) : false),
                  searchValue: categorySearch,
                  onSearch: setCategorySearch,
                }}
                style={{ width: '100%' }}
                open={categoryOpen}
                onOpenChange={setCategoryOpen}
                value={form.categoryCode ?? undefined}
                options={options}
                placeholder={t('hotline.form.categoryPlaceholder')}
                aria-describedby="hotline-suggestion hotline-clear-hint"
                onChange={(v) => {
                  set('categoryCode', v ?? null);
                  setCategorySearch('');
                }}
                data-testid="hotline-category"
              />
            </div>
            <div id="hotline-suggestion" className="cg-hotline-suggestion" aria-live="polite" data-testid="hotline-suggestion" data-current={!suggesting && suggestedFor === text}>
              {suggesting && <span className="cg-hotline-muted">{t('hotline.suggestion.thinking')}</span>}
              {!suggesting && suggestion === null && <span className="cg-hotline-muted">{t('hotline.suggestion.none')}</span>}
              {!suggesting && suggested && (
                <>
                  <span>
                    {t('hotline.suggestion.label')}：
                    <strong data-testid="hotline-suggestion-code" data-code={suggested.categoryCode}>
                      {t('hotline.suggestion.text', { name: categoryName(suggested.categoryCode), percent: Math.round(suggested.confidence * 100) })}
                    </strong>
                  </span>
                  {form.categoryCode === suggested.categoryCode ? (
                    <span className="cg-hotline-ok">{t('hotline.suggestion.accepted')}</span>
                  ) : (
                    <>
                      <Button size="small" tabIndex={-1} onClick={acceptSuggestion}>
                        {t('hotline.suggestion.accept')}
                      </Button>
                      <span className="cg-hotline-muted">{t('hotline.suggestion.acceptHint')}</span>
                    </>
                  )}
                  {suggested.alternatives.some((a) => knownCodes.has(a.categoryCode)) && (
                    <span className="cg-hotline-muted">
                      {t('hotline.suggestion.alternatives')}：
                      {suggested.alternatives
                        .filter((a) => knownCodes.has(a.categoryCode))
                        .map((a) => `${categoryName(a.categoryCode)} ${Math.round(a.probability * 100)}%`)
                        .join('；')}
                    </span>
                  )}
                </>
              )}
            </div>
          </div>

          <div className="cg-hotline-row">
            <div className="cg-hotline-field cg-hotline-grow">
              <label htmlFor="hotline-address" className="cg-hotline-label">
                {t('hotline.form.address')}
              </label>
              <Input
                id="hotline-address"
                autoComplete="off"
                maxLength={500}
                value={form.address}
                placeholder={t('hotline.form.addressPlaceholder')}
                onChange={(e) => set('address', e.target.value)}
                data-testid="hotline-address"
              />
            </div>
            <div className="cg-hotline-field">
              <label htmlFor="hotline-district" className="cg-hotline-label">
                {t('hotline.form.district')}
              </label>
              <div onKeyDownCapture={onDistrictKey}>
                <Select<string>
                  id="hotline-district"
                  showSearch={{ optionFilterProp: 'label', searchValue: districtSearch, onSearch: setDistrictSearch }}
                  style={{ width: 180 }}
                  value={form.districtCode ?? undefined}
                  placeholder={t('hotline.form.districtPlaceholder')}
                  aria-describedby="hotline-clear-hint"
                  options={districtItems.map((d) => ({ value: d.code, label: i18n.language.startsWith('zh') ? d.nameZh : (d.nameEn ?? d.nameZh) }))}
                  onChange={(v) => {
                    set('districtCode', v ?? null);
                    setDistrictSearch('');
                  }}
                  data-testid="hotline-district"
                />
              </div>
            </div>
          </div>

          <div className="cg-hotline-field">
            <span id="hotline-urgency-label" className="cg-hotline-label">
              {t('hotline.form.urgency')}
            </span>
            <Radio.Group
              id="hotline-urgency"
              name="hotline-urgency"
              optionType="button"
              aria-labelledby="hotline-urgency-label"
              value={form.urgency}
              onChange={(e) => set('urgency', e.target.value as CallForm['urgency'])}
              data-testid="hotline-urgency"
            >
              {URGENCIES.map((u) => (
                <Radio.Button key={u} value={u}>
                  {t(`hotline.urgencies.${u}`)}
                </Radio.Button>
              ))}
            </Radio.Group>
          </div>

          <div className="cg-hotline-actions">
            <Button type="primary" htmlType="submit" size="large" loading={busy} disabled={answeringId !== null} data-testid="hotline-submit">
              {busy ? t('hotline.form.submitting') : t('hotline.form.submit')}
              <span className="cg-hotline-key-hint" aria-hidden>
                Ctrl+Enter
              </span>
            </Button>
            <span className="cg-hotline-muted">{t('hotline.form.anonymous')}</span>
          </div>
        </form>

        <div className="cg-hotline-side">
          <CallerHistory state={history} />
          <KnowledgePanel
            box={kbBox}
            onBox={setKbBox}
            query={knowledgeQuery(kbBox, form.title, form.description)}
            canAnswer={canAnswer}
            answeringId={answeringId}
            onAnswer={(a) => void answerWith(a)}
          />
        </div>
      </div>
    </div>
  );
}
