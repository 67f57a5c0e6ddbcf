/**
 * Governance evaluation (analysts and leaders, `evaluation.read`), three views in the URL (`?view=`):
 * - runs (default): the jurisdiction's runs, newest first, filterable by system (GET /evaluation/runs); a run opens
 *   with `?run=ID` — the ranking (score, rank, tier, class, region; sortable, filterable), the distribution by
 *   class and region, the Monte-Carlo sensitivity, an entity's drill-down, XLSX/PDF export. Analysts
 *   (`evaluation.manage`) start a run here: a published version, an uploaded CSV or an imported dataset,
 *   optionally with sensitivity draws.
 * - datasets: the imported datasets (GET /evaluation/datasets); analysts import a CSV or pick one for a run.
 * - systems: analysts edit a draft indicator system (tree, weights, AHP with CR) and publish it; readers see the
 *   systems and their versions.
 */
import { Alert, App, Button, Card, Checkbox, Empty, Form, InputNumber, Radio, Select, Space, Statistic, Table, Tabs, Tag, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, errorMessage } from '../../shared/api';
import { formatDateTime, jurisdictionDay } from '../../shared/time';
import { useAuth } from '../auth';
import { EntityDetail } from '../evaluation/EntityDetail';
import { DatasetsList, RunsList } from '../evaluation/Lists';
import { SensitivityView } from '../evaluation/SensitivityView';
import type { EvalDatasetListItem, EvalResult, EvalRun, EvalSystem, EvalTier, EvalVersion, Summary } from '@civicgrid/contracts/evaluation';
import { fmt, tierStyle } from '../evaluation/types';

const DraftEditor = lazy(() => import('../evaluation/DraftEditor').then((m) => ({ default: m.DraftEditor })));

const PAGE_FETCH = 1000;

function DistributionTable({ title, rows, testId }: { title: string; rows: Record<string, Summary>; testId: string }) {
  const { t } = useTranslation();
  const data = Object.entries(rows).map(([key, s]) => ({ key, ...s }));
  const max = Math.max(1, ...data.map((d) => d.max ?? 0));
  return (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={data}
      data-testid={testId}
      title={() => <Typography.Text strong>{title}</Typography.Text>}
      columns={[
        { title: t('evaluation.group'), dataIndex: 'key', sorter: (a, b) => a.key.localeCompare(b.key) },
        { title: t('evaluation.count'), dataIndex: 'count', align: 'right', sorter: (a, b) => a.count - b.count },
        {
          title: t('evaluation.mean'),
          key: 'mean',
          sorter: (a, b) => (a.mean ?? 0) - (b.mean ?? 0),
          render: (_, r) => (
            <Space>
              <span style={{ display: 'inline-block', width: 120, height: 10, background: '#f0f0f0', borderRadius: 2 }} aria-hidden>
                <span style={{ display: 'block', height: 10, width: `${Math.max(0, ((r.mean ?? 0) / max) * 100)}%`, background: '#1677ff', borderRadius: 2 }} />
              </span>
              {fmt(r.mean)}
            </Space>
          ),
        },
        { title: t('evaluation.median'), key: 'median', align: 'right', render: (_, r) => fmt(r.median) },
        { title: t('evaluation.sd'), key: 'sd', align: 'right', render: (_, r) => fmt(r.sd) },
        { title: t('evaluation.iqr'), key: 'iqr', align: 'right', render: (_, r) => fmt(r.iqr) },
        { title: t('evaluation.minMax'), key: 'minmax', align: 'right', render: (_, r) => `${fmt(r.min)} – ${fmt(r.max)}` },
      ]}
    />
  );
}

export function EvaluationPage() {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const { can } = useAuth();
  const manage = can('evaluation.manage');
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const runId = params.get('run');
  const view = params.get('view') ?? 'runs';

  const [systems, setSystems] = useState<EvalSystem[] | null>(null);
  const [run, setRun] = useState<EvalRun | null>(null);
  const [version, setVersion] = useState<EvalVersion | null>(null);
  const [results, setResults] = useState<EvalResult[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<EvalResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [source, setSource] = useState<'upload' | 'dataset'>('upload');
  const [dataset, setDataset] = useState<{ id: string; name: string } | null>(null);
  const [datasets, setDatasets] = useState<EvalDatasetListItem[]>([]);
  const [runVersionId, setRunVersionId] = useState<string | null>(null);
  const [withSensitivity, setWithSensitivity] = useState(false);
  const [draws, setDraws] = useState(1000);
  const [seed, setSeed] = useState(1);
  const [concentration, setConcentration] = useState(100);
  const [reload, setReload] = useState(0);

  const loadSystems = useCallback(async () => {
    try {
      const r = await api.get<{ items: EvalSystem[] }>('/api/v1/evaluation/systems');
      setSystems(r.items);
      return r.items;
    } catch (e) {
      setError(errorMessage(e));
      return [];
    }
  }, []);
  useEffect(() => void loadSystems(), [loadSystems]);
  useEffect(() => {
    if (!manage) return;
    api
      .get<{ items: EvalDatasetListItem[] }>('/api/v1/evaluation/datasets', { limit: 200 })
      .then((r) => setDatasets(r.items))
      .catch(() => setDatasets([]));
  }, [manage, reload]);

  const published = useMemo(
    () => (systems ?? []).flatMap((s) => s.versions.filter((v) => v.status === 'published').map((v) => ({ system: s, version: v }))),
    [systems],
  );
  const systemName = (s: EvalSystem) => (zh ? s.nameZh : s.nameEn);

  // Open the run named in the URL: the run, its system version's definition, and all its results.
  useEffect(() => {
    if (!runId || systems === null) return;
    let cancelled = false;
    setLoading(true);
    setError(null);
    void (async () => {
      try {
        const r = (await api.get<{ run: EvalRun }>(`/api/v1/evaluation/runs/${encodeURIComponent(runId)}`)).run;
        const owner = systems.flatMap((s) => s.versions.map((v) => ({ system: s, version: v }))).find((p) => p.version.id === r.systemVersionId);
        const v = owner ? (await api.get<{ version: EvalVersion }>(`/api/v1/evaluation/systems/${owner.system.id}/versions/${owner.version.version}`)).version : null;
        const all: EvalResult[] = [];
        for (let offset = 0; offset < 100_000; offset += PAGE_FETCH) {
          const page = await api.get<{ total: number; items: EvalResult[] }>(`/api/v1/evaluation/runs/${r.id}/results`, { limit: PAGE_FETCH, offset });
          all.push(...page.items);
          if (all.length >= page.total || page.items.length === 0) break;
        }
        if (cancelled) return;
        setRun(r);
        setVersion(v);
        setResults(all);
      } catch (e) {
        if (!cancelled) {
          setRun(null);
          setResults([]);
          setError(errorMessage(e));
        }
      } finally {
        if (!cancelled) setLoading(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [runId, systems]);

  const go = (next: { view?: string; run?: string | null }) => {
    const p = new URLSearchParams(params);
    if (next.view !== undefined) {
      if (next.view === 'runs') p.delete('view');
      else p.set('view', next.view);
      p.delete('run');
    }
    if (next.run) p.set('run', next.run);
    else if (next.run === null) p.delete('run');
    setParams(p);
  };
  const openRun = (id: string) => go({ view: 'runs', run: id });

  const createFromTemplate = async () => {
    setBusy(true);
    try {
      const code = `governance-${jurisdictionDay()}-${Math.random().toString(36).slice(2, 6)}`;
      const s = (await api.post<{ system: EvalSystem }>('/api/v1/evaluation/systems', { code, nameZh: '城市治理现代化评估指标体系', nameEn: 'City governance modernisation index', template: 'default' })).system;
      await api.post(`/api/v1/evaluation/systems/${s.id}/publish`);
      await loadSystems();
      message.success(t('evaluation.systemCreated'));
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const importCsv = async (file: { name: string; text: string }) => {
    const d = (await api.post<{ dataset: { id: string; name: string; rowCount: number; rejects: unknown[] } }>('/api/v1/evaluation/datasets', { name: file.name, csv: file.text })).dataset;
    if (d.rejects.length) message.warning(t('evaluation.rowsRejected', { count: d.rejects.length }));
    setReload((x) => x + 1);
    return d;
  };

  const createRun = async () => {
    if (!runVersionId || (source === 'upload' ? !csv : !dataset)) return;
    setBusy(true);
    try {
      const datasetId = source === 'upload' ? (await importCsv(csv!)).id : dataset!.id;
      const body = { systemVersionId: runVersionId, datasetId, ...(withSensitivity ? { sensitivity: { draws, seed, concentration } } : {}) };
      const r = (await api.post<{ run: EvalRun }>('/api/v1/evaluation/runs', body)).run;
      setReload((x) => x + 1);
      openRun(r.id);
      message.success(t('evaluation.runCreated', { count: r.summary.entities }));
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const tiers: EvalTier[] = version?.definition.settings.tiers ?? [];
  const tierName = (code: string | null) => {
    const x = tiers.find((y) => y.code === code);
    return x ? `${x.code} · ${zh ? x.nameZh : x.nameEn}` : (code ?? '—');
  };
  const classes = Object.keys(run?.summary.byClass ?? {});
  const regions = Object.keys(run?.summary.byRegion ?? {});
  const runSystem = run ? (systems ?? []).find((s) => s.versions.some((v) => v.id === run.systemVersionId)) : undefined;

  const columns: ColumnsType<EvalResult> = [
    { title: t('evaluation.rank'), dataIndex: 'rank', width: 80, sorter: (a, b) => a.rank - b.rank, defaultSortOrder: 'ascend' },
    {
      title: t('evaluation.entity'),
      key: 'name',
      render: (_, r) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setSelected(r)} data-testid="entity-link">
          {r.name}
        </Button>
      ),
    },
    { title: t('evaluation.score'), dataIndex: 'total', align: 'right', sorter: (a, b) => (a.total ?? -Infinity) - (b.total ?? -Infinity), render: (v: number | null) => fmt(v) },
    {
      title: t('evaluation.tier'),
      dataIndex: 'tier',
      filters: tiers.map((x) => ({ text: tierName(x.code), value: x.code })),
      onFilter: (v, r) => r.tier === v,
      render: (v: string | null) => (v ? <Tag style={tierStyle(tiers, v)}>{tierName(v)}</Tag> : '—'),
    },
    { title: t('evaluation.class'), dataIndex: 'class', filters: classes.map((c) => ({ text: c, value: c })), onFilter: (v, r) => r.class === v, render: (v: string | null) => v ?? '—' },
    {
      title: t('evaluation.region'),
      dataIndex: 'region',
      filters: regions.map((c) => ({ text: c, value: c })),
      onFilter: (v, r) => r.region === v,
      render: (v: string | null, r) => [v, r.province].filter(Boolean).join(' · ') || '—',
    },
    { title: t('evaluation.coverage'), dataIndex: 'coverage', align: 'right', render: (v: number) => `${Math.round(v * 100)}%` },
  ];

  const newRun = manage && (
    <Card size="small" style={{ marginBottom: 16 }} title={t('evaluationViews.newRun')}>
      {published.length === 0 && systems !== null ? (
        <Space orientation="vertical">
          <Typography.Text>{t('evaluationViews.noPublished')}</Typography.Text>
          <Button type="primary" loading={busy} onClick={() => void createFromTemplate()} data-testid="create-system">
            {t('evaluation.createFromTemplate')}
          </Button>
        </Space>
      ) : (
        <Form layout="vertical" onFinish={() => void createRun()} style={{ maxWidth: 900 }}>
          <Space wrap align="start" size="large">
            <Form.Item label={t('evaluation.version')} style={{ marginBottom: 8 }}>
              <Select
                aria-label={t('evaluation.version')}
                style={{ minWidth: 280 }}
                value={runVersionId}
                onChange={setRunVersionId}
                options={published.map((p) => ({ value: p.version.id, label: `${systemName(p.system)} v${p.version.version}` }))}
              />
            </Form.Item>
            <Form.Item label={t('evaluation.dataset')} style={{ marginBottom: 8 }}>
              <Space orientation="vertical">
                <Radio.Group
                  value={source}
                  onChange={(e) => setSource(e.target.value as 'upload' | 'dataset')}
                  options={[
                    { value: 'upload', label: t('evaluationViews.sourceUpload') },
                    { value: 'dataset', label: t('evaluationViews.sourceDataset') },
                  ]}
                />
                {source === 'upload' ? (
                  <Upload
                    accept=".csv,text/csv"
                    maxCount={1}
                    showUploadList={csv ? { showRemoveIcon: false } : false}
                    beforeUpload={(file) => {
                      void file.text().then((text) => setCsv({ name: file.name, text }));
                      return false;
                    }}
                  >
                    <Button>{csv ? csv.name : t('evaluation.chooseCsv')}</Button>
                  </Upload>
                ) : (
                  <Select
                    aria-label={t('evaluationViews.pickDataset')}
                    placeholder={t('evaluationViews.pickDataset')}
                    style={{ minWidth: 280 }}
                    value={dataset?.id ?? null}
                    onChange={(id: string) => setDataset(datasets.find((d) => d.id === id) ?? null)}
                    options={datasets.map((d) => ({ value: d.id, label: `${d.name} · ${t('evaluationViews.rowsN', { count: d.rowCount })}` }))}
                    notFoundContent={t('evaluationViews.noDatasets')}
                  />
                )}
              </Space>
            </Form.Item>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('evaluationViews.csvHelp')}
          </Typography.Paragraph>
          <Space wrap align="center" style={{ marginBottom: 12 }}>
            <Checkbox checked={withSensitivity} onChange={(e) => setWithSensitivity(e.target.checked)} data-testid="with-sensitivity">
              {t('evaluationViews.withSensitivity')}
            </Checkbox>
            {withSensitivity && (
              <>
                <label>
                  {t('evaluationViews.draws')} <InputNumber min={1} max={10000} value={draws} onChange={(v) => v !== null && setDraws(v)} aria-label={t('evaluationViews.draws')} />
                </label>
                <label>
                  {t('evaluationViews.seed')} <InputNumber min={0} max={4294967295} value={seed} onChange={(v) => v !== null && setSeed(v)} aria-label={t('evaluationViews.seed')} />
                </label>
                <label>
                  {t('evaluationViews.concentration')} <InputNumber min={0.001} max={1e9} value={concentration} onChange={(v) => v !== null && setConcentration(v)} aria-label={t('evaluationViews.concentration')} />
                </label>
              </>
            )}
          </Space>
          <div>
            <Button type="primary" htmlType="submit" loading={busy} disabled={!runVersionId || (source === 'upload' ? !csv : !dataset)}>
              {source === 'upload' ? t('evaluation.createRun') : t('evaluationViews.runDataset')}
            </Button>
          </div>
        </Form>
      )}
    </Card>
  );

  const runView = (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button onClick={() => go({ run: null })} data-testid="back-to-runs">
          {t('evaluationViews.backToRuns')}
        </Button>
        {run && (
          <>
            <Typography.Text strong>{`${runSystem ? systemName(runSystem) : ''} v${runSystem?.versions.find((v) => v.id === run.systemVersionId)?.version ?? '?'} · ${formatDateTime(run.createdAt)}`}</Typography.Text>
            <Button href={`/api/v1/evaluation/runs/${run.id}/export.xlsx`} download data-testid="export-xlsx">
              {t('evaluationViews.exportXlsx')}
            </Button>
            <Button href={`/api/v1/evaluation/runs/${run.id}/export.pdf`} download data-testid="export-pdf">
              {t('evaluationViews.exportPdf')}
            </Button>
          </>
        )}
      </Space>
      <Card size="small" loading={loading && !run}>
        {run && (
          <>
            <Space size="large" wrap style={{ marginBottom: 12 }}>
              <Statistic title={t('evaluation.entities')} value={run.summary.entities} />
              <Statistic title={t('evaluation.mean')} value={fmt(run.summary.overall.mean)} />
              <Statistic title={t('evaluation.median')} value={fmt(run.summary.overall.median)} />
              {tiers.map((x) => (
                <Statistic key={x.code} title={tierName(x.code)} value={run.summary.tierCounts[x.code] ?? 0} />
              ))}
            </Space>
            <Tabs
              items={[
                {
                  key: 'ranking',
                  label: t('evaluation.ranking'),
                  children: (
                    <Table<EvalResult>
                      rowKey="code"
                      size="small"
                      loading={loading}
                      dataSource={results}
                      columns={columns}
                      data-testid="ranking-table"
                      pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('evaluation.total', { count: n }) }}
                    />
                  ),
                },
                {
                  key: 'distribution',
                  label: t('evaluation.distribution'),
                  children: (
                    <Space orientation="vertical" style={{ width: '100%' }} size="large">
                      <DistributionTable title={t('evaluation.byClass')} rows={run.summary.byClass} testId="by-class" />
                      <DistributionTable title={t('evaluation.byRegion')} rows={run.summary.byRegion} testId="by-region" />
                    </Space>
                  ),
                },
                {
                  key: 'sensitivity',
                  label: t('evaluationViews.sensitivity'),
                  children: <SensitivityView run={run} results={results} nodes={version?.definition.nodes ?? []} tiers={tiers} />,
                },
              ]}
            />
          </>
        )}
      </Card>
    </>
  );

  const systemsList = (
    <Table<EvalSystem>
      size="small"
      rowKey="id"
      dataSource={systems ?? []}
      loading={systems === null}
      pagination={false}
      data-testid="systems-table"
      columns={[
        { title: t('evaluationViews.systemName'), key: 'name', render: (_, s) => systemName(s) },
        { title: t('evaluationViews.code'), dataIndex: 'code' },
        {
          title: t('evaluationViews.versions'),
          key: 'versions',
          render: (_, s) =>
            s.versions.map((v) => <Tag key={v.id}>{v.status === 'draft' ? t('evaluationViews.draftTag', { version: v.version }) : t('evaluationViews.publishedTag', { version: v.version })}</Tag>),
        },
      ]}
    />
  );

  return (
    <>
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('evaluation.title')}
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Tabs
        activeKey={view}
        onChange={(key) => go({ view: key })}
        items={[
          {
            key: 'runs',
            label: t('evaluationViews.runs'),
            children: runId ? (
              runView
            ) : (
              <>
                {newRun}
                {!manage && (
                  <Typography.Paragraph type="secondary">{t('evaluationViews.readerHelp')}</Typography.Paragraph>
                )}
                <RunsList systems={systems ?? []} onOpen={openRun} reload={reload} />
              </>
            ),
          },
          {
            key: 'datasets',
            label: t('evaluationViews.datasets'),
            children: (
              <>
                {manage && (
                  <Space style={{ marginBottom: 12 }} wrap>
                    <Upload
                      accept=".csv,text/csv"
                      showUploadList={false}
                      beforeUpload={(file) => {
                        void file
                          .text()
                          .then((text) => importCsv({ name: file.name, text }))
                          .then((d) => message.success(t('evaluationViews.imported', { name: d.name, count: d.rowCount })))
                          .catch((e: unknown) => message.error(errorMessage(e)));
                        return false;
                      }}
                    >
                      <Button data-testid="import-dataset">{t('evaluationViews.importCsv')}</Button>
                    </Upload>
                    <Typography.Text type="secondary">{t('evaluationViews.csvHelp')}</Typography.Text>
                  </Space>
                )}
                <DatasetsList
                  reload={reload}
                  {...(manage
                    ? {
                        onPick: (d: EvalDatasetListItem) => {
                          setSource('dataset');
                          setDataset(d);
                          go({ view: 'runs' });
                        },
                      }
                    : {})}
                />
              </>
            ),
          },
          {
            key: 'systems',
            label: t('evaluationViews.systems'),
            children: manage ? (
              <Suspense fallback={<Card loading size="small" />}>
                <DraftEditor systems={systems ?? []} onChanged={loadSystems} />
              </Suspense>
            ) : (
              systemsList
            ),
          },
        ]}
      />
      {!runId && view === 'runs' && !manage && systems !== null && published.length === 0 && <Empty description={t('evaluation.noSystems')} />}
      <EntityDetail runId={run?.id ?? null} entity={selected} version={version} onClose={() => setSelected(null)} />
    </>
  );
}
