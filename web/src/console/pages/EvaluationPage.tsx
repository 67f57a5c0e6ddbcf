/**
 * Governance evaluation results (analysts and leaders, `evaluation.read`): pick a published indicator system and a
 * run, then the ranking (score, rank, tier, class, region — sortable, filterable, paged), an entity's drill-down
 * (indicator tree and first-level radar) and the distribution by class and region from the run's statistics.
 * Analysts (`evaluation.manage`) can also create a system from the default template and run it on an uploaded CSV.
 *
 * The API has no list of runs: a run is opened by its link (`?run=ID`), by its ID, or from the runs this browser
 * created or opened before.
 */
import { Alert, App, Button, Card, Empty, Form, Input, Select, Space, Statistic, Table, Tabs, Tag, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, errorMessage } from '../../shared/api';
import { useAuth } from '../auth';
import { EntityDetail } from '../evaluation/EntityDetail';
import { fmt, rememberedRuns, rememberRun, tierStyle, type EvalResult, type EvalRun, type EvalSystem, type EvalTier, type EvalVersion, type Summary } from '../evaluation/types';

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

  const [systems, setSystems] = useState<EvalSystem[] | null>(null);
  const [systemId, setSystemId] = useState<string | null>(null);
  const [run, setRun] = useState<EvalRun | null>(null);
  const [version, setVersion] = useState<EvalVersion | null>(null);
  const [results, setResults] = useState<EvalResult[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<EvalResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [runVersionId, setRunVersionId] = useState<string | null>(null);
  const [openId, setOpenId] = useState('');

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
        const owner = published.find((p) => p.version.id === r.systemVersionId) ?? (systems ?? []).flatMap((s) => s.versions.map((v) => ({ system: s, version: v }))).find((p) => p.version.id === r.systemVersionId);
        const v = owner ? (await api.get<{ version: EvalVersion }>(`/api/v1/evaluation/systems/${owner.system.id}/versions/${owner.version.version}`)).version : null;
        const all: EvalResult[] = [];
        for (let offset = 0; offset < 100_000; offset += PAGE_FETCH) {
          const page = await api.get<{ total: number; items: EvalResult[] }>(`/api/v1/evaluation/runs/${r.id}/results`, { limit: PAGE_FETCH, offset });
          all.push(...page.items);
          if (all.length >= page.total || page.items.length === 0) break;
        }
        if (cancelled) return;
        rememberRun(r);
        setRun(r);
        setVersion(v);
        setResults(all);
        if (owner) setSystemId(owner.system.id);
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
  }, [runId, systems, published]);

  const openRun = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('run', id.trim());
    setParams(next);
  };

  const createFromTemplate = async () => {
    setBusy(true);
    try {
      const code = `governance-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 6)}`;
      const s = (await api.post<{ system: EvalSystem }>('/api/v1/evaluation/systems', { code, nameZh: '城市治理现代化评估指标体系', nameEn: 'City governance modernisation index', template: 'default' })).system;
      await api.post(`/api/v1/evaluation/systems/${s.id}/publish`);
      await loadSystems();
      setSystemId(s.id);
      message.success(t('evaluation.systemCreated'));
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const createRun = async () => {
    if (!csv || !runVersionId) return;
    setBusy(true);
    try {
      const d = (await api.post<{ dataset: { id: string; rowCount: number; rejects: unknown[] } }>('/api/v1/evaluation/datasets', { name: csv.name, csv: csv.text })).dataset;
      if (d.rejects.length) message.warning(t('evaluation.rowsRejected', { count: d.rejects.length }));
      const r = (await api.post<{ run: EvalRun }>('/api/v1/evaluation/runs', { systemVersionId: runVersionId, datasetId: d.id })).run;
      rememberRun(r);
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
  const systemVersionIds = new Set(published.filter((p) => !systemId || p.system.id === systemId).map((p) => p.version.id));
  const runs = rememberedRuns().filter((r) => systemVersionIds.has(r.systemVersionId));
  const classes = Object.keys(run?.summary.byClass ?? {});
  const regions = Object.keys(run?.summary.byRegion ?? {});

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

  return (
    <>
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('evaluation.title')}
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Card size="small" style={{ marginBottom: 16 }} title={t('evaluation.pick')}>
        <Space wrap align="start" style={{ rowGap: 8 }}>
          <Select
            aria-label={t('evaluation.system')}
            placeholder={t('evaluation.system')}
            style={{ minWidth: 280 }}
            value={systemId}
            onChange={setSystemId}
            loading={systems === null}
            options={(systems ?? []).filter((s) => s.versions.some((v) => v.status === 'published')).map((s) => ({ value: s.id, label: `${systemName(s)} (${s.code})` }))}
            notFoundContent={t('evaluation.noSystems')}
          />
          <Select
            aria-label={t('evaluation.run')}
            placeholder={t('evaluation.run')}
            style={{ minWidth: 300 }}
            value={runId && runs.some((r) => r.id === runId) ? runId : null}
            onChange={(v: string) => openRun(v)}
            options={runs.map((r) => ({ value: r.id, label: `${new Date(r.createdAt).toLocaleString(i18n.language)} · ${r.id.slice(0, 8)}` }))}
            notFoundContent={t('evaluation.noRuns')}
          />
          <Space.Compact>
            <Input aria-label={t('evaluation.runId')} placeholder={t('evaluation.runId')} value={openId} onChange={(e) => setOpenId(e.target.value)} style={{ width: 320 }} />
            <Button onClick={() => openId.trim() && openRun(openId)}>{t('evaluation.open')}</Button>
          </Space.Compact>
        </Space>
        {manage ? (
          <div style={{ marginTop: 12 }}>
            {published.length === 0 && systems !== null ? (
              <Space direction="vertical">
                <Typography.Text>{t('evaluation.noPublished')}</Typography.Text>
                <Button type="primary" loading={busy} onClick={() => void createFromTemplate()} data-testid="create-system">
                  {t('evaluation.createFromTemplate')}
                </Button>
              </Space>
            ) : (
              <Form layout="inline" style={{ rowGap: 8 }} onFinish={() => void createRun()}>
                <Form.Item label={t('evaluation.version')}>
                  <Select
                    aria-label={t('evaluation.version')}
                    style={{ minWidth: 280 }}
                    value={runVersionId}
                    onChange={setRunVersionId}
                    options={published.map((p) => ({ value: p.version.id, label: `${systemName(p.system)} v${p.version.version}` }))}
                  />
                </Form.Item>
                <Form.Item label={t('evaluation.dataset')} extra={t('evaluation.csvHelp')} style={{ maxWidth: 640 }}>
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
                </Form.Item>
                <Form.Item>
                  <Button type="primary" htmlType="submit" loading={busy} disabled={!csv || !runVersionId}>
                    {t('evaluation.createRun')}
                  </Button>
                </Form.Item>
              </Form>
            )}
          </div>
        ) : (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('evaluation.readerHelp')}
          </Typography.Paragraph>
        )}
      </Card>

      {!run && !loading && <Empty description={t('evaluation.pickRun')} />}
      {(run || loading) && (
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
                      <Space direction="vertical" style={{ width: '100%' }} size="large">
                        <DistributionTable title={t('evaluation.byClass')} rows={run.summary.byClass} testId="by-class" />
                        <DistributionTable title={t('evaluation.byRegion')} rows={run.summary.byRegion} testId="by-region" />
                      </Space>
                    ),
                  },
                ]}
              />
            </>
          )}
        </Card>
      )}
      <EntityDetail entity={selected} version={version} onClose={() => setSelected(null)} />
    </>
  );
}
