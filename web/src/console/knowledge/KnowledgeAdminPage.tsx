/**
 * 知识库管理 (knowledge.edit: stewards and administrators): the hotline knowledge base's articles — search (the
 * same Chinese full-text search agents use), a status filter, pages by the API's cursor — with category, agency,
 * status, validity, last change and how often agents used each; an article opens in ArticleEditor to be changed,
 * published, archived, restored or taken back to draft, and new ones are written there.
 *
 * A steward or administrator granted one department holds knowledge.edit, so the page is in their menu, but the
 * articles belong to the whole jurisdiction and the server refuses their writes (knowledge.policy.ts) while it lets
 * them read every article, drafts and versions included. The list tells (`canEdit`): for them the page is read-only,
 * says why, and offers nothing to change.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { formatDate, formatDateTime } from '../../shared/time';
import { useCategories } from '../work-orders/parts';
import { ARTICLE_STATUSES, type ArticlePage, type ArticleStatus, type ArticleView } from '@civicgrid/contracts/knowledge';
import { knowledgeApi } from './api';
import { ArticleEditor, type EditorTarget } from './ArticleEditor';
import { FIRST_PAGE, nextPage, previousPage, type Paging } from './model';
import { StatusTag } from './StatusTag';
import './knowledge.css';

const PAGE_SIZE = 20;

export function KnowledgeAdminPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const categories = useCategories();
  const [box, setBox] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<ArticleStatus | undefined>(undefined);
  const [paging, setPaging] = useState<Paging>(FIRST_PAGE);
  const [page, setPage] = useState<ArticlePage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<EditorTarget>(null);
  /** From the last list answer; null until the first one (nothing to write is offered before it is known). */
  const [canEdit, setCanEdit] = useState<boolean | null>(null);
  const readOnly = canEdit === false;
  const after = paging.starts[paging.index];

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const answer = await knowledgeApi.list({ q: q.trim() || undefined, status, limit: PAGE_SIZE, after });
      setPage(answer);
      setCanEdit(answer.canEdit);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [q, status, after]);
  useEffect(() => void load(), [load]);

  const search = (value: string) => {
    setBox(value);
    setQ(value);
    setPaging(FIRST_PAGE);
  };

  const validity = (a: ArticleView) => {
    if (a.validFrom && a.validTo) return t('knowledge.validity.range', { from: a.validFrom, to: a.validTo });
    if (a.validFrom) return t('knowledge.validity.from', { from: a.validFrom });
    if (a.validTo) return t('knowledge.validity.to', { to: a.validTo });
    return t('knowledge.validity.always');
  };

  const columns: ColumnsType<ArticleView> = [
    {
      title: t('knowledge.col.title'),
      key: 'title',
      render: (_, a) => (
        <div className="kb-title-cell">
          <Button type="link" className="kb-title-link" onClick={() => setEditing({ id: a.id })} aria-label={t(readOnly ? 'knowledge.view' : 'knowledge.open', { title: a.title })} data-testid="kb-open">
            {a.title}
          </Button>
          {a.internal && <Tag className="kb-tag kb-tag-internal">{t('knowledge.internalTag')}</Tag>}
          <div className="kb-question">{a.question}</div>
        </div>
      ),
    },
    { title: t('knowledge.col.category'), dataIndex: 'categoryCode', width: 150, render: (c: string | null) => (c ? categories.label(c) : t('knowledge.none')) },
    { title: t('knowledge.col.agency'), dataIndex: 'agency', width: 140, render: (v: string | null) => v ?? t('knowledge.none') },
    { title: t('knowledge.col.status'), key: 'status', width: 110, render: (_, a) => <StatusTag article={a} /> },
    { title: t('knowledge.col.validity'), key: 'validity', width: 130, render: (_, a) => validity(a) },
    {
      title: t('knowledge.col.updated'),
      key: 'updated',
      width: 130,
      render: (_, a) => (
        <div>
          <div>{formatDate(a.updatedAt, { language: lang })}</div>
          {a.updatedBy && <div className="kb-muted">{a.updatedBy}</div>}
        </div>
      ),
    },
    {
      title: t('knowledge.col.used'),
      dataIndex: 'useCount',
      width: 90,
      align: 'right',
      render: (n: number, a) => (
        <Tooltip title={a.lastUsedAt ? t('knowledge.lastUsed', { at: formatDateTime(a.lastUsedAt, { language: lang }) }) : t('knowledge.neverUsed')}>
          <span data-testid="kb-used">{n}</span>
        </Tooltip>
      ),
    },
  ];

  const hasNext = !!page?.next;
  return (
    <div className="kb-admin" data-testid="kb-page">
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('knowledge.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('knowledge.intro')}</Typography.Paragraph>
      {readOnly && <Alert type="info" showIcon title={t('knowledge.readOnly.title')} description={t('knowledge.readOnly.text')} style={{ marginBottom: 12 }} data-testid="kb-read-only" />}

      <Card size="small" style={{ marginBottom: 12 }}>
        <Form layout="inline" className="kb-filters" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('knowledge.search')} htmlFor="kb-search">
            <Input.Search
              id="kb-search"
              value={box}
              allowClear
              placeholder={t('knowledge.searchPlaceholder')}
              onChange={(e) => (e.target.value === '' ? search('') : setBox(e.target.value))}
              onSearch={search}
              style={{ width: 340 }}
              data-testid="kb-search"
            />
          </Form.Item>
          <Form.Item label={t('knowledge.statusFilter')} htmlFor="kb-status-filter">
            <Select
              id="kb-status-filter"
              value={status ?? ''}
              onChange={(v: ArticleStatus | '') => {
                setStatus(v || undefined);
                setPaging(FIRST_PAGE);
              }}
              options={[{ value: '', label: t('knowledge.allStatuses') }, ...ARTICLE_STATUSES.map((s) => ({ value: s, label: t(`knowledge.status.${s}`) }))]}
              style={{ width: 140 }}
              data-testid="kb-status-filter"
            />
          </Form.Item>
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="kb-new">
              {t('knowledge.new')}
            </Button>
          )}
        </Form>
      </Card>

      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      {page?.match === 'or' && page.items.length > 0 && <Alert type="info" title={t('knowledge.matchOr')} style={{ marginBottom: 12 }} />}
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        columns={columns}
        pagination={false}
        tableLayout="fixed"
        locale={{ emptyText: t('knowledge.empty') }}
        data-testid="kb-table"
      />
      <nav aria-label={t('knowledge.pager')} className="kb-pager">
        <Space>
          <Button disabled={paging.index === 0 || loading} onClick={() => setPaging(previousPage(paging))} data-testid="kb-prev">
            {t('knowledge.prev')}
          </Button>
          <span aria-live="polite" data-testid="kb-page-number">
            {t('knowledge.page', { n: paging.index + 1 })}
          </span>
          <Button disabled={!hasNext || loading} onClick={() => setPaging(nextPage(paging, page?.next ?? null))} data-testid="kb-next">
            {t('knowledge.next')}
          </Button>
        </Space>
      </nav>

      <ArticleEditor
        target={editing}
        readOnly={readOnly}
        onClose={() => setEditing(null)}
        onChanged={(a) => {
          // A new article stays open as itself (its status, version, and publish from there).
          if (editing === 'new') setEditing({ id: a.id });
          void load();
        }}
      />
    </div>
  );
}
