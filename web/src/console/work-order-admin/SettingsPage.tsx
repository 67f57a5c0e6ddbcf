/**
 * 工单设置 (work_order.settings, administrators): the jurisdiction's deadlines — office hours, time allowed per
 * urgency, per request type and per category, sign-for time, follow-up days, warning share — auto-dispatch and its
 * classifier confidence, the duplicate-check window and the order-number prefix (GET/PUT /work-order-settings). Each
 * setting shows its default beside it, says when it differs and can be reset; all deadlines can be restored at once.
 * The form checks what the server checks (settings-model.ts) before sending; a 409 (someone else saved first) keeps
 * what was typed and offers to load the saved values, then to re-apply the typed changes item by item.
 */
import { DeleteOutlined, PlusOutlined, ReloadOutlined, UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Input, InputNumber, Popconfirm, Select, Space, Spin, Switch, Tag, TreeSelect, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../shared/api';
import { REQUEST_TYPES, URGENCIES } from '@civicgrid/contracts/work-orders';
import { settingsApi, type SettingsAnswer } from './api';
import { useAdminCategories, useCategoryOptions } from './category-options';
import {
  changedItems,
  describeDuration,
  describePeriods,
  DURATION_KINDS,
  formOf,
  isDefault,
  itemValue,
  newCategoryRule,
  problemsOf,
  settingsBody,
  SLA_ITEMS,
  withItem,
  withItems,
  withSlaDefaults,
  type DurationField,
  type ItemId,
  type Problem,
  type SettingsForm,
} from './settings-model';
import './wo-admin.css';

/** What was typed before the current values were loaded after a 409, and which of its items differ from theirs. */
interface Typed {
  form: SettingsForm;
  items: ItemId[];
}

const fieldId = (field: string) => `wos-${field.replace(/\./g, '-')}`;

export function SettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [answer, setAnswer] = useState<SettingsAnswer | null>(null);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [conflictVersion, setConflictVersion] = useState<number | null | undefined>(undefined);
  const [typed, setTyped] = useState<Typed | null>(null);
  const typedRef = useRef<HTMLDivElement>(null);
  const categories = useCategoryOptions(useAdminCategories());
  // After loading the current values over a conflict, the list of what was typed is where to go next.
  const typedShown = typed !== null;
  useEffect(() => {
    if (typedShown) typedRef.current?.focus();
  }, [typedShown]);

  const load = useCallback(async () => {
    try {
      const a = await settingsApi.get();
      setAnswer(a);
      setForm(formOf(a.settings));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const defaults = useMemo(() => (answer ? formOf(answer.defaults) : null), [answer]);
  const loaded = useMemo(() => (answer ? formOf(answer.settings) : null), [answer]);
  const problems = useMemo(() => (form ? problemsOf(form) : []), [form]);
  const changed = useMemo(() => (form && loaded ? changedItems(loaded, form) : []), [form, loaded]);
  // Closing or reloading the tab with unsaved changes asks first (the browser's own question).
  const unsaved = changed.length > 0;
  useEffect(() => {
    if (!unsaved) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [unsaved]);

  if (!answer || !form || !defaults || !loaded) {
    return (
      <div className="wo-admin" data-testid="wo-settings-page">
        <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
          {t('woSettings.title')}
        </Typography.Title>
        {loadError ? <Alert type="error" showIcon title={loadError} /> : <Spin aria-label={t('common.loading')} />}
      </div>
    );
  }

  const update = (patch: Partial<SettingsForm>) => setForm({ ...form, ...patch });
  const problemText = (p: Problem) => t(p.key, p.values);
  const problemAt = (field: string) => problems.find((p) => p.field === field);

  const label = (item: ItemId): string => {
    const [head, tail] = item.split('.') as [string, string | undefined];
    if (head === 'byUrgency') return t('woSettings.item.byUrgency', { name: t(`workOrders.urgency.${tail}`) });
    if (head === 'byRequestType') return t('woSettings.item.byRequestType', { name: t(`workOrders.requestType.${tail}`) });
    const labels: Record<string, string> = {
      workingHours: t('woSettings.item.workingHours'),
      byCategory: t('woSettings.item.byCategory'),
      signFor: t('woSettings.item.signFor'),
      followUpDays: t('woSettings.item.followUpDays'),
      defaultRating: t('woSettings.item.defaultRating'),
      warnRatio: t('woSettings.item.warnRatio'),
      autoDispatch: t('woSettings.item.autoDispatch'),
      autoDispatchConfidence: t('woSettings.item.autoDispatchConfidence'),
      duplicateRadiusM: t('woSettings.item.duplicateRadiusM'),
      duplicateHours: t('woSettings.item.duplicateHours'),
      ticketPrefix: t('woSettings.item.ticketPrefix'),
    };
    return labels[head] ?? item;
  };

  /** An item's value in words (the default column, and what was typed against what is saved after a 409). */
  const describe = (f: SettingsForm, item: ItemId): string => {
    const [head] = item.split('.') as [string];
    const v = itemValue(f, item);
    switch (head) {
      case 'workingHours':
        return describePeriods(f.workingHours, t);
      case 'byUrgency':
      case 'byRequestType':
      case 'signFor':
        return describeDuration(v as DurationField | null, t);
      case 'byCategory':
        return f.byCategory.length === 0
          ? t('woSettings.noCategoryRules')
          : f.byCategory.map((r) => t('woSettings.categoryRuleText', { category: r.categoryPrefix ? categories.text(r.categoryPrefix) : '—', duration: describeDuration(r.duration, t) })).join(t('woSettings.listSep'));
      case 'followUpDays':
        return f.followUpDays === null ? '—' : t('woSettings.duration.working_days', { n: f.followUpDays });
      case 'defaultRating':
        return !f.defaultRating.on ? t('woSettings.off') : f.defaultRating.days === null ? '—' : t('woSettings.duration.working_days', { n: f.defaultRating.days });
      case 'warnRatio':
      case 'autoDispatchConfidence':
        return v === null ? '—' : t('woSettings.percent', { n: v as number });
      case 'autoDispatch':
        return f.autoDispatch ? t('woSettings.on') : t('woSettings.off');
      case 'duplicateRadiusM':
        return f.duplicateRadiusM === null ? '—' : t('woSettings.meters', { n: f.duplicateRadiusM });
      case 'duplicateHours':
        return f.duplicateHours === null ? '—' : t('woSettings.hours', { n: f.duplicateHours });
      default:
        return String(v ?? '');
    }
  };

  const resetItem = (item: ItemId) => setForm(withItem(form, defaults, item));

  // ---- Pieces --------------------------------------------------------------------------------------------------

  /** A message under a field, tied to it with aria-describedby. */
  const problemNote = (field: string) => {
    const p = problemAt(field);
    return p ? (
      <div className="wos-problem" id={`${fieldId(field)}-problem`} data-testid={`problem-${field}`}>
        {problemText(p)}
      </div>
    ) : null;
  };
  const invalid = (field: string) => (problemAt(field) ? { 'aria-invalid': true as const, 'aria-describedby': `${fieldId(field)}-problem`, status: 'error' as const } : {});

  const durationInput = (field: string, name: string, value: DurationField, onChange: (d: DurationField) => void) => (
    <Space.Compact className="wos-duration">
      <InputNumber
        id={fieldId(field)}
        aria-label={t('woSettings.amountOf', { label: name })}
        value={value.amount}
        onChange={(n) => onChange({ ...value, amount: typeof n === 'number' ? n : null })}
        style={{ width: 96 }}
        data-testid={`amount-${field}`}
        {...invalid(field)}
      />
      <Select
        aria-label={t('woSettings.kindOf', { label: name })}
        value={value.kind}
        onChange={(kind) => onChange({ ...value, kind })}
        options={DURATION_KINDS.map((k) => ({ value: k, label: t(`woSettings.kind.${k}`) }))}
        style={{ width: 150 }}
        data-testid={`kind-${field}`}
      />
    </Space.Compact>
  );

  const numberInput = (item: ItemId, value: number | null, onChange: (n: number | null) => void, unit: string, step = 1) => (
    <Space size={6}>
      <InputNumber id={fieldId(item)} value={value} onChange={(n) => onChange(typeof n === 'number' ? n : null)} step={step} style={{ width: 110 }} data-testid={`input-${item}`} {...invalid(item)} />
      <span aria-hidden="true">{unit}</span>
    </Space>
  );

  /** One setting: its name (and hint), the editor, its default in words, and whether it is changed (with reset). */
  const row = (item: ItemId, editor: ReactNode, hint?: string, labelFor: string | null = fieldId(item)) => {
    const atDefault = isDefault(form, defaults, item);
    const name = label(item);
    return (
      <div className="wos-row" key={item} data-testid={`row-${item}`}>
        <div className="wos-label">
          {labelFor ? <label htmlFor={labelFor}>{name}</label> : <span>{name}</span>}
          {hint && <div className="wos-hint">{hint}</div>}
        </div>
        <div className="wos-editor">
          {editor}
          {problemNote(item)}
        </div>
        <div className="wos-default" data-testid={`default-${item}`}>
          <span className="wos-sr">{t('woSettings.col.default')} </span>
          {describe(defaults, item)}
        </div>
        <div className="wos-state">
          {atDefault ? (
            <Tag className="wo-admin-tag-ok">{t('woSettings.isDefault')}</Tag>
          ) : (
            <Space size={4} wrap>
              <Tag className="wo-admin-tag-warn" data-testid={`changed-${item}`}>
                {t('woSettings.changed')}
              </Tag>
              <Button size="small" icon={<UndoOutlined />} onClick={() => resetItem(item)} aria-label={t('woSettings.resetOne', { label: name })} data-testid={`reset-${item}`}>
                {t('woSettings.reset')}
              </Button>
            </Space>
          )}
        </div>
      </div>
    );
  };

  const header = (
    <div className="wos-row wos-head" aria-hidden="true">
      <div>{t('woSettings.col.item')}</div>
      <div>{t('woSettings.col.value')}</div>
      <div>{t('woSettings.col.default')}</div>
      <div>{t('woSettings.col.state')}</div>
    </div>
  );

  const section = (title: string, intro: string, children: ReactNode, testId: string, extra?: ReactNode) => (
    <Card size="small" className="wos-card" data-testid={testId} title={<Typography.Title level={2} className="wo-admin-card-title">{title}</Typography.Title>} extra={extra}>
      <Typography.Paragraph type="secondary" className="wos-intro">
        {intro}
      </Typography.Paragraph>
      {header}
      {children}
    </Card>
  );

  const periodsEditor = (
    <div className="wos-periods" role="group" aria-label={label('workingHours')}>
      {form.workingHours.map((p, i) => {
        const field = `workingHours.${i}`;
        const set = (patch: Partial<typeof p>) => update({ workingHours: form.workingHours.map((q, j) => (j === i ? { ...q, ...patch } : q)) });
        return (
          <div key={i}>
            <Space size={4} className="wos-period">
              <Input
                id={i === 0 ? fieldId('workingHours') : undefined}
                aria-label={t('woSettings.sla.periodStart', { n: i + 1 })}
                value={p.start}
                onChange={(e) => set({ start: e.target.value.trim() })}
                placeholder="09:00"
                maxLength={5}
                style={{ width: 76 }}
                data-testid={`period-start-${i}`}
                {...invalid(field)}
              />
              <span aria-hidden="true">–</span>
              <Input
                aria-label={t('woSettings.sla.periodEnd', { n: i + 1 })}
                value={p.end}
                onChange={(e) => set({ end: e.target.value.trim() })}
                placeholder="18:00"
                maxLength={5}
                style={{ width: 76 }}
                data-testid={`period-end-${i}`}
                {...invalid(field)}
              />
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('woSettings.sla.periodRemove', { n: i + 1 })}
                disabled={form.workingHours.length <= 1}
                onClick={() => update({ workingHours: form.workingHours.filter((_, j) => j !== i) })}
              />
            </Space>
            {problemNote(field)}
          </div>
        );
      })}
      <Button size="small" icon={<PlusOutlined />} disabled={form.workingHours.length >= 6} onClick={() => update({ workingHours: [...form.workingHours, { start: '', end: '' }] })} data-testid="period-add">
        {t('woSettings.sla.periodAdd')}
      </Button>
    </div>
  );

  const categoryEditor = (
    <div className="wos-categories" role="group" aria-label={label('byCategory')}>
      {form.byCategory.map((rule, i) => {
        const n = i + 1;
        const set = (patch: Partial<typeof rule>) => update({ byCategory: form.byCategory.map((r) => (r.key === rule.key ? { ...r, ...patch } : r)) });
        const prefixField = `byCategory.${i}.prefix`;
        return (
          <div key={rule.key} className="wos-category-rule" data-testid={`category-rule-${i}`}>
            <Space size={4} wrap>
              <TreeSelect
                id={i === 0 ? fieldId('byCategory') : undefined}
                aria-label={t('woSettings.sla.categoryOf', { n })}
                showSearch={{ treeNodeFilterProp: 'title' }}
                treeData={categories.options}
                value={rule.categoryPrefix ?? undefined}
                onChange={(v?: string) => set({ categoryPrefix: v ?? null })}
                placeholder={t('woSettings.sla.categoryPick')}
                style={{ width: 230 }}
                popupMatchSelectWidth={false}
                data-testid={`category-prefix-${i}`}
                {...(problemAt(prefixField) ? { status: 'error' as const, 'aria-invalid': true } : {})}
              />
              {durationInput(`byCategory.${i}.duration`, t('woSettings.sla.categoryDuration', { n }), rule.duration, (d) => set({ duration: d }))}
              <Button icon={<DeleteOutlined />} aria-label={t('woSettings.sla.categoryRemove', { n })} onClick={() => update({ byCategory: form.byCategory.filter((r) => r.key !== rule.key) })} />
            </Space>
            {rule.categoryPrefix && !categories.known(rule.categoryPrefix) && categories.options.length > 0 && <div className="wos-hint">{t('woSettings.sla.notInTree')}</div>}
            {problemNote(prefixField)}
            {problemNote(`byCategory.${i}.duration`)}
          </div>
        );
      })}
      <Button size="small" icon={<PlusOutlined />} disabled={form.byCategory.length >= 200} onClick={() => update({ byCategory: [...form.byCategory, newCategoryRule()] })} data-testid="category-add">
        {t('woSettings.sla.categoryAdd')}
      </Button>
    </div>
  );

  // ---- Save, conflict ------------------------------------------------------------------------------------------

  const save = async () => {
    if (problems.length > 0 || changed.length === 0) return;
    setSaving(true);
    setSaveError(null);
    try {
      const a = await settingsApi.save(settingsBody(form, answer.settings, defaults));
      setAnswer(a);
      setForm(formOf(a.settings));
      setConflictVersion(undefined);
      setTyped(null);
      // The server answers a save that changes no effective value (a share typed finer than it keeps, 80.001 %) with
      // the same version: say so rather than that a version was saved.
      if (a.settings.version === answer.settings.version) void message.info(t('woSettings.savedUnchanged', { version: a.settings.version }));
      else void message.success(t('woSettings.saved', { version: a.settings.version }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const v = (e.details as { version?: unknown } | undefined)?.version;
        setConflictVersion(typeof v === 'number' ? v : null);
      } else {
        setSaveError(errorMessage(e));
      }
    } finally {
      setSaving(false);
    }
  };

  /** After a 409: the saved values in the form, what was typed kept beside it to re-apply. */
  const reloadAfterConflict = async () => {
    const draft = form;
    const mine = changedItems(loaded, draft);
    let a: SettingsAnswer;
    try {
      a = await settingsApi.get();
    } catch (e) {
      setSaveError(errorMessage(e));
      return;
    }
    setAnswer(a);
    setForm(formOf(a.settings));
    setSaveError(null);
    setConflictVersion(undefined);
    const theirs = formOf(a.settings);
    const items = mine.filter((item) => JSON.stringify(itemValue(draft, item)) !== JSON.stringify(itemValue(theirs, item)));
    setTyped(items.length > 0 ? { form: draft, items } : null);
  };

  const reapply = (items: ItemId[]) => {
    if (!typed) return;
    setForm(withItems(form, typed.form, items));
    const left = typed.items.filter((i) => !items.includes(i));
    setTyped(left.length > 0 ? { ...typed, items: left } : null);
  };

  const slaChanged = SLA_ITEMS.some((i) => !isDefault(form, defaults, i));

  const status =
    problems.length > 0 ? t('woSettings.status.problems', { n: problems.length }) : changed.length > 0 ? t('woSettings.status.changed', { n: changed.length }) : t('woSettings.status.clean');

  return (
    <div className="wo-admin wo-settings" data-testid="wo-settings-page">
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('woSettings.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('woSettings.intro')}</Typography.Paragraph>

      {typed && (
        <div ref={typedRef} tabIndex={-1} className="wos-banner">
          <Alert
            type="info"
            showIcon
            data-testid="settings-typed"
            title={t('woSettings.typed.title')}
            description={
              <div>
                <div>{t('woSettings.typed.hint')}</div>
                <ul className="wos-typed">
                  {typed.items.map((item) => (
                    <li key={item} data-testid={`typed-${item}`}>
                      {t('woAdmin.kv', { k: label(item), v: t('woSettings.typed.row', { mine: describe(typed.form, item), theirs: describe(form, item) }) })}{' '}
                      <Button size="small" type="link" onClick={() => reapply([item])} aria-label={t('woSettings.typed.applyOne', { label: label(item) })}>
                        {t('woSettings.typed.apply')}
                      </Button>
                    </li>
                  ))}
                </ul>
                <Space>
                  <Button size="small" type="primary" onClick={() => reapply(typed.items)} data-testid="typed-apply-all">
                    {t('woSettings.typed.applyAll')}
                  </Button>
                  <Button size="small" onClick={() => setTyped(null)}>
                    {t('woSettings.typed.dismiss')}
                  </Button>
                </Space>
              </div>
            }
          />
        </div>
      )}

      {section(
        t('woSettings.sla.title'),
        t('woSettings.sla.intro'),
        <>
          {row('workingHours', periodsEditor, t('woSettings.sla.officeHint'))}
          <Typography.Title level={3} className="wo-admin-section">
            {t('woSettings.sla.urgencyTitle')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" className="wos-intro">
            {t('woSettings.sla.urgencyHint')}
          </Typography.Paragraph>
          {URGENCIES.map((u) => row(`byUrgency.${u}`, durationInput(`byUrgency.${u}`, label(`byUrgency.${u}`), form.byUrgency[u], (d) => update({ byUrgency: { ...form.byUrgency, [u]: d } }))))}
          <Typography.Title level={3} className="wo-admin-section">
            {t('woSettings.sla.otherTitle')}
          </Typography.Title>
          {row('signFor', durationInput('signFor', label('signFor'), form.signFor, (d) => update({ signFor: d })), t('woSettings.sla.signForHint'))}
          {row('followUpDays', numberInput('followUpDays', form.followUpDays, (n) => update({ followUpDays: n }), t('woSettings.unit.workingDays')), t('woSettings.sla.followUpHint'))}
          {row(
            'defaultRating',
            <Space size={8} wrap>
              <Checkbox
                checked={form.defaultRating.on}
                // Switched on: the first allowed value that is at least a working week (5 days), as 好差评 rules often have it.
                onChange={(e) => update({ defaultRating: e.target.checked ? { on: true, days: Math.max(5, form.followUpDays ?? 1) } : { on: false, days: null } })}
                aria-label={t('woSettings.sla.defaultRatingOnOf')}
                data-testid="default-rating-on"
              >
                {t('woSettings.sla.defaultRatingOn')}
              </Checkbox>
              {form.defaultRating.on && numberInput('defaultRating', form.defaultRating.days, (n) => update({ defaultRating: { on: true, days: n } }), t('woSettings.unit.workingDays'))}
            </Space>,
            t('woSettings.sla.defaultRatingHint'),
            form.defaultRating.on ? fieldId('defaultRating') : null,
          )}
          {row('warnRatio', numberInput('warnRatio', form.warnPercent, (n) => update({ warnPercent: n }), t('woSettings.unit.percent'), 5), t('woSettings.sla.warnHint'))}
          <Typography.Title level={3} className="wo-admin-section">
            {t('woSettings.sla.typeTitle')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" className="wos-intro">
            {t('woSettings.sla.typeHint')}
          </Typography.Paragraph>
          {REQUEST_TYPES.map((r) => {
            const item = `byRequestType.${r}` as const;
            const d = form.byRequestType[r];
            const set = (v: DurationField | null) => update({ byRequestType: { ...form.byRequestType, [r]: v } });
            return row(
              item,
              <Space size={8} wrap>
                <Checkbox
                  checked={d !== null}
                  onChange={(e) => set(e.target.checked ? { ...(form.byUrgency.normal ?? { kind: 'working_days', amount: 1 }) } : null)}
                  aria-label={t('woSettings.sla.ownRuleOf', { label: label(item) })}
                  data-testid={`own-${item}`}
                >
                  {t('woSettings.sla.ownRule')}
                </Checkbox>
                {d && durationInput(item, label(item), d, set)}
              </Space>,
              undefined,
              d ? fieldId(item) : null,
            );
          })}
          <Typography.Title level={3} className="wo-admin-section">
            {t('woSettings.sla.categoryTitle')}
          </Typography.Title>
          {row('byCategory', categoryEditor, t('woSettings.sla.categoryHint'), form.byCategory.length > 0 ? fieldId('byCategory') : null)}
        </>,
        'settings-sla',
        <Popconfirm title={t('woSettings.sla.resetAllConfirm')} onConfirm={() => setForm(withSlaDefaults(form, defaults))} okText={t('woAdmin.confirm')} cancelText={t('common.cancel')}>
          <Button size="small" icon={<UndoOutlined />} disabled={!slaChanged} data-testid="reset-sla">
            {t('woSettings.sla.resetAll')}
          </Button>
        </Popconfirm>,
      )}

      {section(
        t('woSettings.auto.title'),
        t('woSettings.auto.intro'),
        <>
          {row('autoDispatch', <Switch id={fieldId('autoDispatch')} checked={form.autoDispatch} onChange={(on) => update({ autoDispatch: on })} data-testid="input-autoDispatch" />)}
          {row('autoDispatchConfidence', numberInput('autoDispatchConfidence', form.confidencePercent, (n) => update({ confidencePercent: n }), t('woSettings.unit.percent'), 5), t('woSettings.auto.confidenceHint'))}
        </>,
        'settings-auto',
      )}

      {section(
        t('woSettings.dup.title'),
        t('woSettings.dup.intro'),
        <>
          {row('duplicateRadiusM', numberInput('duplicateRadiusM', form.duplicateRadiusM, (n) => update({ duplicateRadiusM: n }), t('woSettings.unit.meters'), 10), t('woSettings.dup.radiusHint'))}
          {row('duplicateHours', numberInput('duplicateHours', form.duplicateHours, (n) => update({ duplicateHours: n }), t('woSettings.unit.hours')), t('woSettings.dup.hoursHint'))}
        </>,
        'settings-duplicates',
      )}

      {section(
        t('woSettings.code.title'),
        t('woSettings.code.prefixHint'),
        row(
          'ticketPrefix',
          <Input id={fieldId('ticketPrefix')} value={form.ticketPrefix} onChange={(e) => update({ ticketPrefix: e.target.value.toUpperCase().trim() })} maxLength={4} style={{ width: 110 }} data-testid="input-ticketPrefix" {...invalid('ticketPrefix')} />,
        ),
        'settings-code',
      )}

      {/* Next to the save button (the bar stays in view), so that the answer to a save is where the eyes are. */}
      <div className="wos-savebar">
        {saveError && <Alert type="error" showIcon title={saveError} role="alert" data-testid="settings-save-error" style={{ marginBottom: 8 }} />}
        {conflictVersion !== undefined && (
          <Alert
            type="warning"
            showIcon
            role="alert"
            className="wos-banner"
            data-testid="settings-conflict"
            title={t('woSettings.conflict.title')}
            description={t('woSettings.conflict.text', { version: conflictVersion ?? '?' })}
            action={
              <Button icon={<ReloadOutlined />} onClick={() => void reloadAfterConflict()} data-testid="settings-reload">
                {t('woSettings.conflict.reload')}
              </Button>
            }
          />
        )}
        <Space wrap>
          <Button type="primary" onClick={() => void save()} loading={saving} disabled={problems.length > 0 || changed.length === 0} data-testid="settings-save">
            {t('woSettings.save')}
          </Button>
          <Button onClick={() => setForm(loaded)} disabled={changed.length === 0} data-testid="settings-discard">
            {t('woSettings.discard')}
          </Button>
          <span role="status" className={problems.length > 0 ? 'wos-status wos-status-bad' : 'wos-status'} data-testid="settings-status">
            {status}
          </span>
        </Space>
      </div>
    </div>
  );
}
