/**
 * One knowledge article in a drawer: every field the API accepts, checked as the server checks them (model.ts)
 * before anything is sent; a new article saved as a draft or published at once; publish / archive / restore or back
 * to draft with a confirmation (unsaved changes are saved first). When someone else saved first (409) the form keeps
 * what was typed and offers to load the latest version with this editor's changes on top (model.ts `rebase`). Below
 * the form, 版本记录: the current and the kept versions, who saved each, when, the status it had, and — opened per
 * version — what it changed from the one before (model.ts `versionChange`). `readOnly` (a steward scoped to one
 * department, whose writes the server refuses): the same drawer with nothing to change.
 */
import { Alert, App, Button, Col, Descriptions, Drawer, Form, Input, Row, Select, Space, Spin, Switch, Table, TreeSelect, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../shared/api';
import { DayPicker } from '../../shared/day-picker';
import { formatDateTime } from '../../shared/time';
import { categoryTree } from '../work-orders/model';
import { useCategories } from '../work-orders/parts';
import type { ArticleDetailView, ArticleView } from '@civicgrid/contracts/knowledge';
import { knowledgeApi } from './api';
import {
  changedFields,
  compactParts,
  createBody,
  EMPTY_FORM,
  formContent,
  formFromArticle,
  LIMITS,
  rebase,
  statusActions,
  statusEndpoint,
  updateBody,
  validateForm,
  versionChange,
  versionRows,
  type ArticleForm,
  type ContentField,
  type DiffOp,
  type FieldChange,
  type FormField,
  type StatusAction,
  type TextDiff,
  type VersionRow,
} from './model';
import { StatusTag } from './StatusTag';

export type EditorTarget = { id: string } | 'new' | null;

/** The locale key of a content field's name (the form names the category field `category`). */
const fieldKey = (f: ContentField) => `knowledge.editor.field.${f === 'categoryCode' ? 'category' : f}`;

interface Props {
  target: EditorTarget;
  onClose(): void;
  /** After any change the server accepted (the list reloads). */
  onChanged(article: ArticleView): void;
  /** Show the article without any way to change it (the server would refuse every write of this user). */
  readOnly?: boolean;
}

interface Conflict {
  /** Set once the latest version was loaded into the form. */
  rebased?: { version: number; theirs: ContentField[]; overlapping: ContentField[] };
}

/** The shared day picker inside a Form.Item (which passes value and onChange). */
function DayField({ value, onChange, id, ...rest }: { value?: string | null; onChange?: (day: string | null) => void; id?: string; placeholder?: string; 'aria-describedby'?: string; 'data-testid'?: string }) {
  return <DayPicker id={id} value={value ?? undefined} onChange={(d) => onChange?.(d ?? null)} style={{ width: '100%' }} {...rest} />;
}

export function ArticleEditor({ target, onClose, onChanged, readOnly = false }: Props) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const lang = i18n.language;
  const [form] = Form.useForm<ArticleForm>();
  const categories = useCategories();
  const catTree = useMemo(() => categoryTree(categories.items, lang), [categories.items, lang]);
  /** The version this editor started from (the base of the PATCH and of a rebase after 409). */
  const [started, setStarted] = useState<ArticleView | null>(null);
  /** The article with its kept versions, as last read (版本记录). */
  const [history, setHistory] = useState<ArticleDetailView | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const titleRef = useRef<HTMLInputElement | null>(null);
  const isNew = target === 'new';
  const open = target !== null;
  const targetId = target !== null && target !== 'new' ? target.id : null;

  const reset = useCallback(() => {
    setServerError(null);
    setConflict(null);
    setLoadError(null);
  }, []);

  useEffect(() => {
    reset();
    setStarted(null);
    setHistory(null);
    if (target === 'new') {
      form.setFieldsValue({ ...EMPTY_FORM });
      return;
    }
    if (!targetId) return;
    let live = true;
    setLoading(true);
    knowledgeApi.get(targetId).then(
      (a) => {
        if (!live) return;
        setStarted(a);
        setHistory(a);
        form.setFieldsValue(formFromArticle(a));
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setLoadError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [target, targetId, form, reset]);

  /** After an accepted change the versions are read again (a save kept the previous content as one). */
  const accepted = (a: ArticleView) => {
    onChanged(a);
    knowledgeApi.get(a.id).then(
      (detail) => setHistory((h) => (h === null || h.id === detail.id ? detail : h)),
      () => undefined, // the list of versions stays as it was; the form shows the saved article
    );
  };

  // Focus the title once the article is shown (the drawer itself takes focus when it opens).
  useEffect(() => {
    if (open && !loading) setTimeout(() => titleRef.current?.focus(), 0);
  }, [open, loading, started?.id]);

  // A refusal is shown above the form: bring it into view (the editor may be scrolled down to the answer).
  const noticeRef = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (conflict || serverError) noticeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [conflict, serverError]);

  const values = (): ArticleForm => ({ ...EMPTY_FORM, ...form.getFieldsValue(true) });
  const dirty = (): boolean => (isNew ? JSON.stringify(formContent(values())) !== JSON.stringify(formContent(EMPTY_FORM)) || values().sourceUrl.trim() !== '' : started !== null && changedFields(values(), started).length > 0);

  const rule = (field: FormField) => ({
    validator: async () => {
      const e = validateForm(values(), isNew ? 'create' : 'edit')[field];
      if (e) throw new Error(t(`knowledge.error.${e.key}`, e.params));
    },
  });

  /** Checks every field (the first wrong one gets focus); false when something is wrong. */
  const check = async (): Promise<boolean> => {
    try {
      await form.validateFields();
      return true;
    } catch {
      void message.error(t('knowledge.editor.invalid'));
      form.scrollToField(Object.keys(validateForm(values(), isNew ? 'create' : 'edit'))[0] ?? 'title', { focus: true });
      return false;
    }
  };

  /** A refusal in words; a 409 becomes the conflict notice (the form keeps what was typed). */
  const refused = (e: unknown) => {
    if (e instanceof ApiError && e.status === 409 && e.code === 'knowledge.version_conflict') {
      setServerError(null);
      setConflict({});
    } else {
      setServerError(errorMessage(e));
    }
  };

  /** Saves the form (create or PATCH); answers the saved article, or null when refused or invalid. */
  const save = async (publish: boolean): Promise<ArticleView | null> => {
    if (!(await check())) return null;
    setServerError(null);
    try {
      if (isNew) {
        const created = await knowledgeApi.create(createBody(values(), publish));
        void message.success(t(publish ? 'knowledge.editor.createdPublished' : 'knowledge.editor.createdDraft'));
        onChanged(created);
        return created;
      }
      if (!started) return null;
      const body = updateBody(values(), started);
      if (!body) return started;
      const saved = await knowledgeApi.update(started.id, body);
      setStarted(saved);
      setConflict(null);
      form.setFieldsValue(formFromArticle(saved));
      accepted(saved);
      void message.success(t('knowledge.editor.saved', { n: saved.version }));
      return saved;
    } catch (e) {
      refused(e);
      return null;
    }
  };

  const run = async (what: string, job: () => Promise<unknown>) => {
    if (busy) return;
    setBusy(what);
    try {
      await job();
    } finally {
      setBusy(null);
    }
  };

  const onSave = (publish: boolean) =>
    run(publish ? 'savePublish' : 'save', async () => {
      if (!isNew && started && !updateBody(values(), started)) {
        if (await check()) void message.info(t('knowledge.editor.noChange'));
        return;
      }
      await save(publish);
    });

  const statusChange = (action: StatusAction) => {
    if (!started) return;
    const unsaved = dirty();
    const name = t(`knowledge.action.${action}`);
    modal.confirm({
      title: t('knowledge.action.confirmTitle', { action: name, title: formContent(values()).title || started.title }),
      content: (
        <>
          <p>{t(`knowledge.action.${action}Text`)}</p>
          {unsaved && <p>{t('knowledge.action.saveFirst')}</p>}
        </>
      ),
      okText: name,
      cancelText: t('common.cancel'),
      okButtonProps: { danger: action === 'archive' },
      onOk: () =>
        run(action, async () => {
          const base = unsaved ? await save(false) : started;
          if (!base) return;
          try {
            const changed = await knowledgeApi.setStatus(base.id, statusEndpoint(action), base.version);
            setStarted(changed);
            form.setFieldsValue(formFromArticle(changed));
            accepted(changed);
            void message.success(t(`knowledge.action.done.${action}`));
          } catch (e) {
            refused(e);
          }
        }),
    });
  };

  const reloadLatest = () =>
    run('reload', async () => {
      if (!started) return;
      try {
        const latest = await knowledgeApi.get(started.id);
        const r = rebase(values(), started, latest);
        setStarted(latest);
        form.setFieldsValue(r.form);
        setConflict({ rebased: { version: latest.version, theirs: r.theirs, overlapping: r.overlapping } });
        setServerError(null);
      } catch (e) {
        setServerError(errorMessage(e));
      }
    });

  const close = () => {
    if (readOnly || !dirty()) {
      onClose();
      return;
    }
    modal.confirm({
      title: t('knowledge.editor.discardTitle'),
      content: t('knowledge.editor.discardText'),
      okText: t('knowledge.editor.discard'),
      okButtonProps: { danger: true },
      cancelText: t('knowledge.editor.keepEditing'),
      // Enter keeps what was typed; discarding takes a deliberate choice.
      autoFocusButton: 'cancel',
      onOk: onClose,
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!readOnly && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void onSave(false);
    }
  };

  const fieldNames = (fields: readonly ContentField[]) => fields.map((f) => t(fieldKey(f))).join(t('knowledge.fieldSep'));
  const at = (iso: string) => formatDateTime(iso, { language: lang });
  const counted = (max: number) => ({ show: true, max });

  const footer = readOnly ? (
    <div className="kb-editor-footer">
      <Typography.Text type="secondary">{t('knowledge.readOnly.footer')}</Typography.Text>
      <Button onClick={close} data-testid="kb-close">
        {t('knowledge.editor.close')}
      </Button>
    </div>
  ) : (
    <div className="kb-editor-footer">
      <Typography.Text type="secondary" className="kb-shortcut">
        {t('knowledge.editor.shortcut')}
      </Typography.Text>
      <Space wrap>
        {started &&
          statusActions(started.status).map((a) => (
            <Button key={a} danger={a === 'archive'} loading={busy === a} disabled={busy !== null && busy !== a} onClick={() => statusChange(a)} data-testid={`kb-${a}`}>
              {t(`knowledge.action.${a}`)}
            </Button>
          ))}
        <Button onClick={close} disabled={busy !== null} data-testid="kb-close">
          {t('knowledge.editor.close')}
        </Button>
        {isNew ? (
          <>
            <Button loading={busy === 'save'} disabled={busy !== null} onClick={() => void onSave(false)} data-testid="kb-save-draft">
              {t('knowledge.editor.saveDraft')}
            </Button>
            <Button type="primary" loading={busy === 'savePublish'} disabled={busy !== null} onClick={() => void onSave(true)} data-testid="kb-save-publish">
              {t('knowledge.editor.savePublish')}
            </Button>
          </>
        ) : (
          <Button type="primary" loading={busy === 'save'} disabled={busy !== null || !started} onClick={() => void onSave(false)} data-testid="kb-save">
            {t('knowledge.editor.save')}
          </Button>
        )}
      </Space>
    </div>
  );

  return (
    <Drawer
      open={open}
      onClose={close}
      size={Math.min(920, typeof window === 'undefined' ? 920 : window.innerWidth)}
      title={isNew ? t('knowledge.editor.newTitle') : readOnly ? t('knowledge.editor.viewTitle') : t('knowledge.editor.editTitle')}
      footer={loadError ? null : footer}
      destroyOnHidden
      keyboard
      afterOpenChange={(o) => o && titleRef.current?.focus()}
      className={readOnly ? 'kb-editor kb-read-only' : 'kb-editor'}
      data-testid="kb-editor"
    >
      {loadError && <Alert type="error" showIcon title={loadError} />}
      {loading && (
        <div style={{ padding: 24, textAlign: 'center' }}>
          <Spin aria-label={t('knowledge.editor.loading')} />
        </div>
      )}
      <div ref={noticeRef} />
      {conflict && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          data-testid="kb-conflict"
          title={conflict.rebased ? t('knowledge.conflict.rebased', { n: conflict.rebased.version }) : t('knowledge.conflict.title')}
          description={
            conflict.rebased ? (
              <>
                <div>{conflict.rebased.theirs.length > 0 ? t('knowledge.conflict.theirs', { fields: fieldNames(conflict.rebased.theirs) }) : t('knowledge.conflict.theirsNone')}</div>
                {conflict.rebased.overlapping.length > 0 && <div data-testid="kb-conflict-overlap">{t('knowledge.conflict.overlap', { fields: fieldNames(conflict.rebased.overlapping) })}</div>}
              </>
            ) : (
              <>
                <div>{t('knowledge.conflict.text')}</div>
                <Button style={{ marginTop: 8 }} onClick={() => void reloadLatest()} loading={busy === 'reload'} data-testid="kb-conflict-reload">
                  {t('knowledge.conflict.reload')}
                </Button>
              </>
            )
          }
        />
      )}
      {serverError && <Alert type="error" showIcon role="alert" title={serverError} style={{ marginBottom: 16 }} data-testid="kb-server-error" />}
      {started && (
        <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }} data-testid="kb-meta">
          <Descriptions.Item label={t('knowledge.col.status')}>
            <Space size={4} wrap>
              <StatusTag article={started} />
              <span data-testid="kb-version">{t('knowledge.editor.version', { n: started.version })}</span>
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('knowledge.col.used')}>
            {started.lastUsedAt ? t('knowledge.editor.usedLast', { n: started.useCount, at: at(started.lastUsedAt) }) : t('knowledge.editor.used', { n: started.useCount })}
          </Descriptions.Item>
          <Descriptions.Item label={t('knowledge.col.updated')}>{t('knowledge.editor.updated', { by: started.updatedBy ?? t('knowledge.editor.someone'), at: at(started.updatedAt) })}</Descriptions.Item>
          <Descriptions.Item label={t('knowledge.editor.sourceLabel')}>
            <Space size={4} wrap>
              <span>{t(`knowledge.editor.source.${started.source}`)}</span>
              {started.sourceUrl ? (
                <Typography.Link href={started.sourceUrl} target="_blank" rel="noopener noreferrer" className="kb-url">
                  {started.sourceUrl}
                </Typography.Link>
              ) : (
                <span>{t('knowledge.editor.sourceUrlNone')}</span>
              )}
            </Space>
          </Descriptions.Item>
        </Descriptions>
      )}
      {!loadError && (
        <Form form={form} layout="vertical" name="kb" onKeyDown={onKeyDown} initialValues={EMPTY_FORM} hidden={loading} requiredMark={!readOnly} disabled={readOnly}>
          <Form.Item name="title" label={t('knowledge.editor.field.title')} required rules={[rule('title')]}>
            <Input ref={(el) => void (titleRef.current = el?.input ?? null)} count={counted(LIMITS.title)} data-testid="kb-title" />
          </Form.Item>
          <Form.Item name="question" label={t('knowledge.editor.field.question')} extra={t('knowledge.editor.hint.question')} required rules={[rule('question')]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} count={counted(LIMITS.question)} className="kb-text" data-testid="kb-question" />
          </Form.Item>
          <Form.Item name="answer" label={t('knowledge.editor.field.answer')} extra={t('knowledge.editor.hint.answer')} required rules={[rule('answer')]}>
            <Input.TextArea autoSize={{ minRows: 6, maxRows: 22 }} count={counted(LIMITS.answer)} className="kb-text" data-testid="kb-answer" />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="categoryCode" label={t('knowledge.editor.field.category')} rules={[rule('categoryCode')]}>
                <TreeSelect
                  allowClear
                  showSearch={{ treeNodeFilterProp: 'title' }}
                  treeData={catTree}
                  placeholder={readOnly ? t('knowledge.none') : t('knowledge.editor.categoryPlaceholder')}
                  popupMatchSelectWidth={false}
                  data-testid="kb-category"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="agency" label={t('knowledge.editor.field.agency')} rules={[rule('agency')]}>
                <Input count={counted(LIMITS.agency)} data-testid="kb-agency" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="tags" label={t('knowledge.editor.field.tags')} extra={readOnly ? undefined : t('knowledge.editor.hint.tags')} rules={[rule('tags')]}>
            <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', '、', ';', '；']} placeholder={readOnly ? t('knowledge.none') : t('knowledge.editor.tagsPlaceholder')} data-testid="kb-tags" />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="validFrom" label={t('knowledge.editor.field.validFrom')} rules={[rule('validFrom')]}>
                <DayField data-testid="kb-valid-from" {...(readOnly ? { placeholder: t('knowledge.none') } : {})} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="validTo" label={t('knowledge.editor.field.validTo')} dependencies={['validFrom']} rules={[rule('validTo')]}>
                <DayField data-testid="kb-valid-to" {...(readOnly ? { placeholder: t('knowledge.none') } : {})} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="internal" label={t('knowledge.editor.field.internal')} valuePropName="checked" extra={t('knowledge.editor.hint.internal')}>
                <Switch data-testid="kb-internal" />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Paragraph type="secondary" className="kb-hint">
            {t('knowledge.editor.hint.validity')}
          </Typography.Paragraph>
          {isNew && (
            <Form.Item name="sourceUrl" label={t('knowledge.editor.field.sourceUrl')} extra={t('knowledge.editor.hint.sourceUrl')} rules={[rule('sourceUrl')]}>
              <Input inputMode="url" placeholder="https://" data-testid="kb-source-url" />
            </Form.Item>
          )}
        </Form>
      )}
      {history && !loading && <Versions article={history} categoryLabel={categories.label} />}
    </Drawer>
  );
}

/**
 * 版本记录: read-only, newest first; a version kept before statuses were recorded shows a dash. Each row opens, below
 * it, what that version changed from the one before.
 */
function Versions({ article, categoryLabel }: { article: ArticleDetailView; categoryLabel: (code: string | null) => string }) {
  const { t, i18n } = useTranslation();
  const [expanded, setExpanded] = useState<number[]>([]);
  const toggle = (v: number) => setExpanded((open) => (open.includes(v) ? open.filter((x) => x !== v) : [...open, v]));
  const panelId = (v: number) => `kb-version-changes-${v}`;
  return (
    <section aria-labelledby="kb-versions-title" className="kb-versions" data-testid="kb-versions">
      <Typography.Title level={2} id="kb-versions-title" className="kb-versions-title">
        {t('knowledge.versions.title')}
      </Typography.Title>
      <Table<VersionRow>
        size="small"
        rowKey="version"
        pagination={false}
        dataSource={versionRows(article)}
        expandable={{
          expandedRowKeys: expanded,
          showExpandColumn: false,
          expandedRowRender: (r) => <VersionChanges id={panelId(r.version)} article={article} version={r.version} categoryLabel={categoryLabel} />,
        }}
        columns={[
          {
            title: t('knowledge.versions.version'),
            key: 'version',
            width: 150,
            render: (_, r) => (
              <Space size={4}>
                <span>{t('knowledge.editor.version', { n: r.version })}</span>
                {r.current && <span className="kb-muted">{t('knowledge.versions.current')}</span>}
              </Space>
            ),
          },
          { title: t('knowledge.versions.by'), key: 'by', render: (_, r) => r.by ?? t('knowledge.editor.someone') },
          { title: t('knowledge.versions.at'), key: 'at', width: 170, render: (_, r) => formatDateTime(r.at, { language: i18n.language }) },
          {
            title: t('knowledge.col.status'),
            key: 'status',
            width: 110,
            render: (_, r) => (r.status ? t(`knowledge.status.${r.status}`) : <span title={t('knowledge.versions.statusUnknown')}>{t('knowledge.none')}</span>),
          },
          {
            title: t('knowledge.versions.changes.column'),
            key: 'changes',
            width: 130,
            render: (_, r) => {
              const open = expanded.includes(r.version);
              return (
                // aria-controls only while the panel exists (a reference to a missing id is an error).
                <Button type="link" size="small" className="kb-changes-toggle" aria-expanded={open} aria-controls={open ? panelId(r.version) : undefined} onClick={() => toggle(r.version)} data-testid="kb-version-changes-toggle">
                  {t(open ? 'knowledge.versions.changes.hide' : 'knowledge.versions.changes.show')}
                  <span className="kb-visually-hidden">{t('knowledge.versions.changes.ofVersion', { n: r.version })}</span>
                </Button>
              );
            },
          },
        ]}
        data-testid="kb-versions-table"
      />
    </section>
  );
}

/** What one version changed, field by field; the first version and one whose predecessor is not listed say so. */
function VersionChanges({ id, article, version, categoryLabel }: { id: string; article: ArticleDetailView; version: number; categoryLabel: (code: string | null) => string }) {
  const { t } = useTranslation();
  // Computed only when opened, and once: an article may list 100 versions of a 20,000-character answer.
  const change = useMemo(() => versionChange(article, version), [article, version]);
  const k = 'knowledge.versions.changes';
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="kb-changes" data-testid="kb-version-changes" data-version={version}>
      <Typography.Title level={3} id={`${id}-title`} className="kb-changes-title">
        {change.kind === 'first' ? t(`${k}.firstTitle`, { n: version }) : t(`${k}.title`, { n: version, prev: change.previous })}
      </Typography.Title>
      {change.kind === 'first' && <p className="kb-changes-note">{t(`${k}.first`)}</p>}
      {change.kind === 'missing' && <p className="kb-changes-note">{t(`${k}.missing`, { prev: change.previous })}</p>}
      {change.kind === 'changed' && change.fields.length === 0 && <p className="kb-changes-note">{t(`${k}.same`, { prev: change.previous })}</p>}
      {change.kind === 'changed' && change.fields.length > 0 && (
        <>
          <p className="kb-changes-note kb-muted">{t(`${k}.legend`)}</p>
          <dl className="kb-changes-list">
            {change.fields.map((f) => (
              <div key={f.field} data-testid={`kb-change-${f.field}`}>
                <dt>{t(fieldKey(f.field))}</dt>
                <dd>
                  <FieldChangeView change={f} categoryLabel={categoryLabel} />
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

/**
 * Removed or added text: struck through or underlined (not by colour alone), and for screen readers announced as
 * such by hidden words around it (`labelled`; left out where a visible 修改前/修改后 label already says it). A
 * removed or added line break shows as ↵.
 */
function Mark({ op, text, labelled = true }: { op: Exclude<DiffOp, 'same'>; text: string; labelled?: boolean }) {
  const { t } = useTranslation();
  const k = 'knowledge.versions.changes';
  const Tag = op;
  const pieces = text.split('\n');
  return (
    <Tag className={`kb-diff-${op}`}>
      {labelled && <span className="kb-visually-hidden">{t(`${k}.${op}Start`)}</span>}
      {pieces.map((piece, i) => (
        <span key={i}>
          {i > 0 && (
            <>
              <span aria-hidden="true" className="kb-diff-newline">
                ↵
              </span>
              <span className="kb-visually-hidden">{t(`${k}.newline`)}</span>
              {'\n'}
            </>
          )}
          {piece}
        </span>
      ))}
      {labelled && <span className="kb-visually-hidden">{t(`${k}.${op}End`)}</span>}
    </Tag>
  );
}

function TextDiffView({ diff }: { diff: TextDiff }) {
  const { t } = useTranslation();
  return (
    <>
      {diff.coarse && <p className="kb-changes-note kb-muted">{t('knowledge.versions.changes.coarse')}</p>}
      <p className="kb-diff-text" data-testid="kb-diff-text">
        {compactParts(diff.parts).map((p, i) =>
          p.op === 'skip' ? (
            <span key={i} className="kb-diff-skip">
              {t('knowledge.versions.changes.skip', { n: p.count })}
            </span>
          ) : p.op === 'same' ? (
            <span key={i}>{p.text}</span>
          ) : (
            <Mark key={i} op={p.op} text={p.text} />
          ),
        )}
      </p>
    </>
  );
}

function FieldChangeView({ change, categoryLabel }: { change: FieldChange; categoryLabel: (code: string | null) => string }) {
  const { t } = useTranslation();
  const k = 'knowledge.versions.changes';
  if (change.kind === 'text') return <TextDiffView diff={change.diff} />;
  const line = (label: string, op: 'del' | 'ins', values: string[]) => (
    <div className="kb-diff-line">
      <span className="kb-diff-label">{t(`${k}.${label}`)}</span>
      {values.length === 0 ? (
        <span className="kb-muted">{t(`${k}.empty`)}</span>
      ) : (
        values.map((v, i) => (
          <span key={i} className="kb-diff-value">
            <Mark op={op} text={v} labelled={false} />
          </span>
        ))
      )}
    </div>
  );
  if (change.kind === 'tags') {
    return (
      <>
        {change.removed.length > 0 && line('removed', 'del', change.removed)}
        {change.added.length > 0 && line('added', 'ins', change.added)}
      </>
    );
  }
  const shown = (v: string | boolean | null): string[] => {
    if (v === null) return [];
    if (typeof v === 'boolean') return [t(v ? `${k}.yes` : `${k}.no`)];
    if (change.field !== 'categoryCode') return [v];
    const name = categoryLabel(v);
    return [name === v ? v : t(`${k}.category`, { name, code: v })];
  };
  return (
    <>
      {line('before', 'del', shown(change.before))}
      {line('after', 'ins', shown(change.after))}
    </>
  );
}
