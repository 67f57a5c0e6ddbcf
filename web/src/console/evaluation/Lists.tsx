/**
 * The jurisdiction's runs (GET /evaluation/runs, newest first, optionally of one system) and datasets
 * (GET /evaluation/datasets), paged on the server. A run opens in the page (?run=ID); a dataset can be chosen for
 * a new run.
 */
import { Alert, Button, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import type { EvalDatasetListItem, EvalRunListItem, EvalSystem } from '@civicgrid/contracts/evaluation';

const PAGE = 10;

function usePaged<T>(path: string, query: Record<string, string | number | undefined>, reload: number) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ total: number; items: T[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(query);
  useEffect(() => setPage(1), [key]);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    api
      .get<{ total: number; items: T[] }>(path, { ...(JSON.parse(key) as Record<string, string | number | undefined>), limit: PAGE, offset: (page - 1) * PAGE })
      .then((r) => !cancelled && setData(r))
      .catch((e: unknown) => !cancelled && setError(errorMessage(e)));
    return () => {
      cancelled = true;
    };
  }, [path, key, page, reload]);
  return { page, setPage, data, error };
}


export function RunsList({ systems, onOpen, reload }: { systems: EvalSystem[]; onOpen: (id: string) => void; reload: number }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const [systemId, setSystemId] = useState<string | undefined>(undefined);
  const { page, setPage, data, error } = usePaged<EvalRunListItem>('/api/v1/evaluation/runs', { systemId }, reload);
  return (
    <>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 8 }} />}
      <Space style={{ marginBottom: 8 }} wrap>
        <Select
          allowClear
          aria-label={t('evaluationViews.filterSystem')}
          placeholder={t('evaluationViews.allSystems')}
          style={{ minWidth: 280 }}
          value={systemId}
          onChange={(v?: string) => setSystemId(v)}
          options={systems.map((s) => ({ value: s.id, label: `${zh ? s.nameZh : s.nameEn} (${s.code})` }))}
          data-testid="runs-system-filter"
        />
      </Space>
      <Table<EvalRunListItem>
        size="small"
        rowKey="id"
        loading={data === null && !error}
        dataSource={data?.items ?? []}
        data-testid="runs-table"
        locale={{ emptyText: t('evaluationViews.noRuns') }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, onChange: setPage, showTotal: (n) => t('evaluationViews.runsTotal', { count: n }) }}
        columns={[
          { title: t('evaluationViews.createdAt'), key: 'createdAt', render: (_, r) => formatDateTime(r.createdAt) },
          { title: t('evaluationViews.systemVersion'), key: 'system', render: (_, r) => `${zh ? r.system.nameZh : r.system.nameEn} v${r.version}` },
          {
            title: t('evaluation.dataset'),
            key: 'dataset',
            render: (_, r) => (
              <Space size={4}>
                {r.dataset.name}
                {r.dataset.synthetic && <Tag>{t('evaluationViews.synthetic')}</Tag>}
              </Space>
            ),
          },
          { title: t('evaluation.entities'), dataIndex: 'entities', align: 'right' },
          { title: t('evaluationViews.sensitivity'), key: 'draws', render: (_, r) => (r.draws ? t('evaluationViews.drawsN', { count: r.draws }) : '—') },
          {
            title: t('evaluationViews.actions'),
            key: 'open',
            render: (_, r) => (
              <Button size="small" onClick={() => onOpen(r.id)} data-testid="open-run">
                {t('evaluation.open')}
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}

export function DatasetsList({ onPick, reload }: { onPick?: (d: EvalDatasetListItem) => void; reload: number }) {
  const { t } = useTranslation();
  const { page, setPage, data, error } = usePaged<EvalDatasetListItem>('/api/v1/evaluation/datasets', {}, reload);
  const pick = useCallback((d: EvalDatasetListItem) => onPick?.(d), [onPick]);
  return (
    <>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 8 }} />}
      <Table<EvalDatasetListItem>
        size="small"
        rowKey="id"
        loading={data === null && !error}
        dataSource={data?.items ?? []}
        data-testid="datasets-table"
        locale={{ emptyText: t('evaluationViews.noDatasets') }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, onChange: setPage, showTotal: (n) => t('evaluationViews.datasetsTotal', { count: n }) }}
        columns={[
          {
            title: t('evaluationViews.datasetName'),
            key: 'name',
            render: (_, d) => (
              <Space size={4}>
                {d.name}
                {d.synthetic && <Tag>{t('evaluationViews.synthetic')}</Tag>}
              </Space>
            ),
          },
          { title: t('evaluationViews.rows'), dataIndex: 'rowCount', align: 'right' },
          { title: t('evaluationViews.indicators'), dataIndex: 'indicatorCount', align: 'right' },
          { title: t('evaluationViews.rejected'), dataIndex: 'rejectedCount', align: 'right' },
          { title: t('evaluationViews.createdAt'), key: 'createdAt', render: (_, d) => formatDateTime(d.createdAt) },
          ...(onPick
            ? [
                {
                  title: t('evaluationViews.actions'),
                  key: 'pick',
                  render: (_: unknown, d: EvalDatasetListItem) => (
                    <Button size="small" onClick={() => pick(d)} data-testid="pick-dataset">
                      {t('evaluationViews.useDataset')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
