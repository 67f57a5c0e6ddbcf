/**
 * 综合评价 (`performance.read`): for a period (the last 30 days, or two picked days — applied as soon as they make a
 * period the server takes), the ranking of departments, districts, streets, grids, inspectors, dispatchers or agents
 * with the scheme's score and grade (period, dimension and scheme kept in the URL, so a shared link opens the same
 * view); every count and rate opens the orders behind it (the server lists them by the same definitions); the score
 * explains itself term by term; trend per day/week/month; hotspots on the map with the top problem areas against the
 * previous period (linked to the work-order list); XLSX export of the ranking (`performance.export`).
 */
import { Alert, Button, Card, Drawer, Empty, Popover, Select, Space, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage } from '../../shared/api';
import { DayRangePicker } from '../../shared/day-picker';
import { formatDateTime } from '../../shared/time';
import { useAuth } from '../auth';
import {
  COUNT_KEYS,
  DIMENSIONS,
  RATE_DEFS,
  choiceFromParams,
  choiceToParams,
  exportHref,
  gradeColor,
  labelOf,
  ordersQuery,
  percent,
  periodFromParams,
  periodProblem,
  periodQuery,
  periodToParams,
  pickedPeriod,
  rankingQuery,
  schemeRef,
  signed,
  termText,
  workOrdersHref,
  type Choice,
  type CountKey,
  type Dimension,
  type Evaluated,
  type Hotspots,
  type OrderBehind,
  type PageState,
  type Ranking,
  type RankingRow,
  type RateKey,
  type Scheme,
  type TrendPoint,
} from './model';

const TrendChart = lazy(() => import('./TrendChart'));
const HotspotMap = lazy(() => import('./HotspotMap'));

/** The rates shown as columns (the Jinniu terms first), the counts behind the main ones. */
const TABLE_RATES: RateKey[] = ['handleRate', 'handledOnTimeRate', 'reworkRate', 'overdueOpenRate', 'extensionRate', 'closeRate', 'closedOnTimeRate'];
const TABLE_COUNTS: CountKey[] = ['reported', 'toHandle', 'handled', 'toClose', 'closed'];

interface Behind {
  count: CountKey;
  within?: CountKey;
  row: RankingRow | null;
}

function Score({ e }: { e: Evaluated }) {
  const { t } = useTranslation();
  if (e.score === null) return <Typography.Text type="secondary">{t('performance.noScore')}</Typography.Text>;
  const content = (
    <div style={{ maxWidth: 360 }}>
      {e.terms.map((term) => (
        <div key={term.rate}>{termText(term, t(`performance.rate.${term.rate}`))}</div>
      ))}
      <Typography.Text type="secondary">{t('performance.scoreRule')}</Typography.Text>
    </div>
  );
  return (
    <Popover content={content} title={t('performance.scoreHow')} trigger={['click', 'focus']}>
      <Button type="link" size="small" style={{ padding: 0 }} aria-label={t('performance.scoreExplain', { score: e.score.toFixed(2) })} data-testid="score">
        {e.score.toFixed(2)}
      </Button>
    </Popover>
  );
}

export function PerformancePage() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const canExport = me?.permissions.includes('performance.export') ?? false;
  const [params, setParams] = useSearchParams();
  const fromUrl = useMemo(() => periodFromParams(params, new Date()), [params]);
  // Kept by its days: a change of dimension or scheme in the URL is no new period (the hotspots are not asked again).
  const period = useMemo(() => ({ from: fromUrl.from, to: fromUrl.to }), [fromUrl.from, fromUrl.to]);
  const [draft, setDraft] = useState(period);
  // null until the list is loaded (the URL's scheme is then checked against it).
  const [schemes, setSchemes] = useState<Scheme[] | null>(null);
  const { dimension, scheme } = choiceFromParams(params, schemes);
  const state = useMemo<PageState>(() => ({ period, dimension, scheme }), [period, dimension, scheme]);
  const choose = (patch: Partial<Choice>) => setParams((p) => choiceToParams({ dimension, scheme, ...patch }, p));
  const [ranking, setRanking] = useState<Ranking | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [behind, setBehind] = useState<Behind | null>(null);
  const lang = i18n.language;

  useEffect(() => setDraft({ from: period.from, to: period.to }), [period.from, period.to]);

  useEffect(() => {
    api
      .get<{ items: Scheme[] }>('/api/v1/performance/schemes')
      .then((r) => setSchemes(r.items))
      .catch(() => setSchemes([]));
  }, []);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api
      .get<Ranking>('/api/v1/performance/ranking', rankingQuery(state))
      .then((r) => live && setRanking(r))
      .catch((err) => live && setError(errorMessage(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [state]);

  // Picking the two days applies them (into the URL, which the figures follow) once they make a period the server
  // takes; until then the figures and the URL stay those of the period shown, and the text below says what is wrong.
  const pickDays = ([from, to]: [string, string]) => {
    setDraft({ from, to });
    const picked = pickedPeriod({ from, to });
    if (picked && (picked.from !== period.from || picked.to !== period.to)) setParams((p) => periodToParams(picked, p));
  };
  const problem = periodProblem(draft);

  const countButton = useCallback(
    (n: number, count: CountKey, row: RankingRow | null, within?: CountKey) => (
      <Button
        type="link"
        size="small"
        style={{ padding: 0 }}
        disabled={n === 0}
        onClick={() => setBehind({ count, within, row })}
        aria-label={t('performance.openOrders', { name: t(`performance.count.${count}`), n, row: row ? labelOf(row.label, lang) : t('performance.overall') })}
        data-testid={`count-${count}`}
      >
        {n}
      </Button>
    ),
    [t, lang],
  );

  const rateButton = useCallback(
    (e: Evaluated, rate: RateKey, row: RankingRow | null) => {
      const [num] = RATE_DEFS[rate];
      const v = e.rates[rate];
      if (v === null) return <span title={t('performance.noDenominator')}>—</span>;
      return (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => setBehind({ count: num, row })}
          aria-label={t('performance.openRate', { name: t(`performance.rate.${rate}`), value: percent(v), row: row ? labelOf(row.label, lang) : t('performance.overall') })}
          data-testid={`rate-${rate}`}
        >
          {percent(v)}
        </Button>
      );
    },
    [t, lang],
  );

  const columns: ColumnsType<RankingRow> = useMemo(
    () => [
      { title: t('performance.rank'), dataIndex: 'rank', width: 64, render: (r: number | null) => r ?? '—' },
      { title: t(`performance.dimension.${state.dimension}`), key: 'name', render: (_, row) => labelOf(row.label, lang) },
      { title: t('performance.score'), key: 'score', render: (_, row) => <Score e={row} />, sorter: (a, b) => (a.score ?? -1) - (b.score ?? -1) },
      { title: t('performance.grade'), key: 'grade', render: (_, row) => (row.grade ? <Tag color={gradeColor(row.grade)}>{row.grade}</Tag> : '—') },
      ...TABLE_RATES.map((rate) => ({ title: t(`performance.rate.${rate}`), key: rate, render: (_: unknown, row: RankingRow) => rateButton(row, rate, row) })),
      ...TABLE_COUNTS.map((count) => ({ title: t(`performance.count.${count}`), key: count, align: 'right' as const, render: (_: unknown, row: RankingRow) => countButton(row.counts[count], count, row) })),
    ],
    [t, lang, state.dimension, rateButton, countButton],
  );

  const allCounts = (e: Evaluated, row: RankingRow | null) => (
    <div className="perf-counts">
      {COUNT_KEYS.map((k) => (
        <span key={k} style={{ display: 'inline-block', minWidth: 150, marginRight: 12 }}>
          {t(`performance.count.${k}`)}: {countButton(e.counts[k], k, row)}
        </span>
      ))}
    </div>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="performance-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('performance.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('performance.intro')}
      </Typography.Paragraph>
      <Card size="small">
        <Space wrap align="end">
          <div role="group" aria-labelledby="perf-period-label">
            <span id="perf-period-label" style={{ display: 'block' }}>
              {t('performance.period.label')}
            </span>
            <DayRangePicker
              ids={['perf-from', 'perf-to']}
              labels={[t('performance.period.from'), t('performance.period.to')]}
              value={[draft.from, draft.to]}
              onChange={pickDays}
              style={{ width: 260 }}
            />
          </div>
          <div>
            <label htmlFor="perf-scheme" style={{ display: 'block' }}>
              {t('performance.scheme')}
            </label>
            <Select
              id="perf-scheme"
              // Wide enough for a scheme's name with its version and 默认 (it was cut at 260 px); never wider than the row.
              style={{ width: 400, maxWidth: '100%' }}
              popupMatchSelectWidth={false}
              value={state.scheme ?? ''}
              onChange={(v: string) => choose({ scheme: v || null })}
              options={[{ value: '', label: t('performance.schemeDefault') }, ...(schemes ?? []).map((s) => ({ value: schemeRef(s), label: `${lang.startsWith('en') ? s.nameEn : s.nameZh} (v${s.version})${s.isDefault ? ` · ${t('performance.isDefault')}` : ''}` }))]}
              aria-label={t('performance.scheme')}
              data-testid="perf-scheme"
            />
          </div>
        </Space>
        {problem && (
          <Typography.Text type="danger" role="alert" style={{ display: 'block', marginTop: 8 }} data-testid="perf-period-problem">
            {t(problem)}
          </Typography.Text>
        )}
      </Card>
      {error && <Alert type="error" showIcon message={error} data-testid="perf-error" />}
      {ranking && (
        <Card size="small" data-testid="perf-overall">
          <Space wrap size="large" align="start">
            <Statistic title={t('performance.overallScore')} valueRender={() => <Score e={ranking.overall} />} />
            <Statistic title={t('performance.grade')} valueRender={() => (ranking.overall.grade ? <Tag color={gradeColor(ranking.overall.grade)}>{ranking.overall.grade}</Tag> : '—')} />
            {TABLE_RATES.map((rate) => (
              <Statistic key={rate} title={t(`performance.rate.${rate}`)} valueRender={() => rateButton(ranking.overall, rate, null)} />
            ))}
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
            {t('performance.schemeUsed', { name: lang.startsWith('en') ? ranking.scheme.nameEn : ranking.scheme.nameZh, version: ranking.scheme.version, asOf: t('time.withZone', { at: formatDateTime(ranking.period.asOf) }) })}
          </Typography.Paragraph>
          <details style={{ marginTop: 8 }}>
            <summary>{t('performance.allCounts')}</summary>
            {allCounts(ranking.overall, null)}
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }} data-testid="performance-closed-note">
              {t('performance.closedNote')}
            </Typography.Paragraph>
          </details>
        </Card>
      )}
      <Tabs
        items={[
          {
            key: 'ranking',
            label: t('performance.tabs.ranking'),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <label htmlFor="perf-dimension">{t('performance.rankBy')}</label>
                  <Select
                    id="perf-dimension"
                    style={{ width: 160 }}
                    value={state.dimension}
                    onChange={(d: Dimension) => choose({ dimension: d })}
                    options={DIMENSIONS.map((d) => ({ value: d, label: t(`performance.dimension.${d}`) }))}
                    aria-label={t('performance.rankBy')}
                    data-testid="perf-dimension"
                  />
                  {canExport && (
                    <Button href={exportHref(state)} data-testid="perf-export">
                      {t('performance.export')}
                    </Button>
                  )}
                </Space>
                <Table<RankingRow>
                  size="small"
                  rowKey="key"
                  loading={loading}
                  dataSource={ranking?.rows ?? []}
                  columns={columns}
                  pagination={{ pageSize: 50, hideOnSinglePage: true }}
                  scroll={{ x: 'max-content' }}
                  expandable={{ expandedRowRender: (row) => allCounts(row, row) }}
                  locale={{ emptyText: <Empty description={t('performance.empty')} /> }}
                  data-testid="perf-ranking"
                />
              </Space>
            ),
          },
          { key: 'trend', label: t('performance.tabs.trend'), children: <TrendTab state={state} /> },
          { key: 'hotspots', label: t('performance.tabs.hotspots'), children: <HotspotsTab state={state} /> },
        ]}
      />
      <OrdersDrawer state={state} behind={behind} onClose={() => setBehind(null)} />
    </Space>
  );
}

function OrdersDrawer({ state, behind, onClose }: { state: PageState; behind: Behind | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<{ total: number; items: OrderBehind[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!behind) return;
    let live = true;
    setData(null);
    setError(null);
    api
      .get<{ total: number; items: OrderBehind[] }>('/api/v1/performance/orders', ordersQuery(state, behind.count, behind.row?.key ?? null, behind.within))
      .then((r) => live && setData(r))
      .catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [state, behind]);
  const title = behind ? `${t(`performance.count.${behind.count}`)} · ${behind.row ? labelOf(behind.row.label, i18n.language) : t('performance.overall')}` : '';
  return (
    <Drawer open={behind !== null} onClose={onClose} title={title} width={640}>
      <div data-testid="orders-drawer-body">
      {behind && <Typography.Paragraph type="secondary">{t(`performance.define.${behind.count}`)}</Typography.Paragraph>}
      {error && <Alert type="error" showIcon message={error} data-testid="orders-error" />}
      {!data && !error && <Spin aria-label={t('common.loading')} />}
      {data && (
        <>
          <Typography.Paragraph>{t('performance.ordersTotal', { n: data.total, shown: data.items.length })}</Typography.Paragraph>
          <Table<OrderBehind>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={data.items}
            data-testid="orders-behind"
            columns={[
              { title: t('performance.order.code'), dataIndex: 'code', render: (code: string, o) => <Link to={`/work-orders/${o.id}`}>{code}</Link> },
              { title: t('performance.order.title'), dataIndex: 'title' },
              { title: t('performance.order.status'), dataIndex: 'status', render: (s: string) => t(`workOrders.status.${s}`, { defaultValue: s }) },
              { title: t('time.inZone', { label: t('performance.order.due') }), dataIndex: 'dueAt', render: (d: string | null) => (d ? formatDateTime(d) : '—') },
            ]}
          />
        </>
      )}
      </div>
    </Drawer>
  );
}

const TREND_RATES: RateKey[] = ['handleRate', 'handledOnTimeRate', 'closeRate'];

function TrendTab({ state }: { state: PageState }) {
  const { t } = useTranslation();
  const [interval, setBucket] = useState<'day' | 'week' | 'month'>('week');
  const [points, setPoints] = useState<TrendPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    api
      .get<{ points: TrendPoint[] }>('/api/v1/performance/trend', { ...periodQuery(state.period), scheme: state.scheme ?? undefined, interval })
      .then((r) => live && setPoints(r.points))
      .catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [state, interval]);
  const labels = useMemo(() => points?.map((p) => p.label) ?? [], [points]);
  const series = useMemo(
    () => [
      { name: t('performance.score'), values: points?.map((p) => p.score) ?? [] },
      ...TREND_RATES.map((r) => ({ name: t(`performance.rate.${r}`), values: points?.map((p) => (p.rates[r] === null ? null : Math.round(p.rates[r]! * 10_000) / 100)) ?? [] })),
    ],
    [points, t],
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space>
        <label htmlFor="perf-interval">{t('performance.interval.label')}</label>
        <Select id="perf-interval" style={{ width: 120 }} value={interval} onChange={setBucket} options={(['day', 'week', 'month'] as const).map((v) => ({ value: v, label: t(`performance.interval.${v}`) }))} aria-label={t('performance.interval.label')} data-testid="perf-interval" />
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {points && (
        <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
          <TrendChart labels={labels} series={series} label={t('performance.trendChart')} />
        </Suspense>
      )}
      {points && (
        <Table<TrendPoint>
          size="small"
          rowKey="from"
          pagination={false}
          dataSource={points}
          data-testid="perf-trend"
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('performance.interval.bucket'), dataIndex: 'label' },
            { title: t('performance.count.reported'), key: 'reported', align: 'right', render: (_, p) => p.counts.reported },
            { title: t('performance.score'), key: 'score', render: (_, p) => (p.score === null ? '—' : p.score.toFixed(2)) },
            { title: t('performance.grade'), key: 'grade', render: (_, p) => (p.grade ? <Tag color={gradeColor(p.grade)}>{p.grade}</Tag> : '—') },
            ...TREND_RATES.map((r) => ({ title: t(`performance.rate.${r}`), key: r, render: (_: unknown, p: TrendPoint) => percent(p.rates[r]) })),
          ]}
        />
      )}
    </Space>
  );
}

function HotspotsTab({ state }: { state: PageState }) {
  const { t, i18n } = useTranslation();
  const [level, setLevel] = useState<'grid' | 'street' | 'district'>('grid');
  const [data, setData] = useState<Hotspots | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    api
      .get<Hotspots>('/api/v1/performance/hotspots', { ...periodQuery(state.period), level, limit: 10 })
      .then((r) => live && setData(r))
      .catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [state.period, level]);
  const lang = i18n.language;
  const change = (n: number) => <span style={{ color: n > 0 ? '#a8071a' : n < 0 ? '#135200' : undefined }}>{signed(n)}</span>;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <label htmlFor="perf-level">{t('performance.hot.level')}</label>
        <Select id="perf-level" style={{ width: 120 }} value={level} onChange={setLevel} options={(['grid', 'street', 'district'] as const).map((v) => ({ value: v, label: t(`performance.dimension.${v}`) }))} aria-label={t('performance.hot.level')} data-testid="perf-level" />
        {data && <Typography.Text>{t('performance.hot.totals', { n: data.total, previous: data.previousTotal })}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {data && (
        <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
          <HotspotMap points={data.points} label={t('performance.hot.map')} />
        </Suspense>
      )}
      {data && (
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          dataSource={data.top}
          data-testid="perf-hotspots"
          title={() => <Typography.Text strong>{t('performance.hot.top')}</Typography.Text>}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: '#', key: 'i', render: (_, __, i) => i + 1 },
            { title: t(`performance.dimension.${level}`), key: 'name', render: (_, x) => `${labelOf(x.label, lang)}${labelOf(x.label, lang) === x.key ? '' : ` (${x.key})`}` },
            { title: t('performance.hot.count'), key: 'count', align: 'right', render: (_, x) => <Link to={workOrdersHref(level, x.key, state.period)} aria-label={t('performance.hot.openList', { n: x.count, name: labelOf(x.label, lang) })}>{x.count}</Link> },
            { title: t('performance.hot.previous'), dataIndex: 'previous', align: 'right' },
            { title: t('performance.hot.change'), key: 'change', align: 'right', render: (_, x) => change(x.change) },
            { title: t('performance.hot.changeRate'), key: 'changeRate', align: 'right', render: (_, x) => (x.changeRate === null ? t('performance.hot.new') : `${x.changeRate > 0 ? '+' : ''}${percent(x.changeRate)}`) },
            { title: t('performance.hot.topCategory'), key: 'cat', render: (_, x) => (x.topCategory ? `${labelOf(x.topCategory.label, lang)} · ${x.topCategory.count}` : '—') },
          ]}
        />
      )}
      {data && (
        <Table
          size="small"
          rowKey="code"
          pagination={false}
          dataSource={data.categories}
          title={() => <Typography.Text strong>{t('performance.hot.categories')}</Typography.Text>}
          columns={[
            { title: t('performance.hot.category'), key: 'name', render: (_, c) => labelOf(c.label, lang) },
            { title: t('performance.hot.count'), dataIndex: 'count', align: 'right' },
            { title: t('performance.hot.previous'), dataIndex: 'previous', align: 'right' },
            { title: t('performance.hot.change'), key: 'change', align: 'right', render: (_, c) => change(c.change) },
          ]}
        />
      )}
    </Space>
  );
}
