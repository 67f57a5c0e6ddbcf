/**
 * 统计分析 (work_order.stats): for a period (this week, this month, the last 30 days or chosen days — applied as soon
 * as both are picked and make a valid period; kept in the URL) the figures of GET /work-orders/stats — KPI cards,
 * the daily trend, orders by category, district and status, satisfaction, a table by department with its rates — and
 * the export of the period's orders as CSV or XLSX (work_order.export). Charts are loaded lazily (echarts stays out of the console's initial bundle).
 */
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Radio, Row, Space, Spin, Statistic, Table, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { StatsGroupRow, WorkOrderStats } from '@civicgrid/contracts/work-orders';
import { errorMessage } from '../../shared/api';
import { DayRangePicker } from '../../shared/day-picker';
import { useAuth } from '../auth';
import { useDepartments } from '../departments';
import { useCategories, useDistricts, districtName } from '../work-orders/parts';
import { downloadExport, statsApi } from './api';
import { dailySeries, formatRate, periodFromParams, periodProblem, periodToParams, pickedPeriod, presetPeriod, PRESETS, type Preset } from './model';
import type { ChartSpec } from './StatsChart';
import './stats.css';

const StatsChart = lazy(() => import('./StatsChart'));

const BLUE = '#1f5fbf';
const GREEN = '#2f7a12';
const ORANGE = '#b35c00';
const RED = '#c0262d';

function Kpi({ id, title, value, hint }: { id: string; title: string; value: string; hint?: string }) {
  return (
    <Card size="small" className="wo-stats-kpi" data-testid={`kpi-${id}`}>
      <Statistic title={title} value={value} />
      {hint && <Typography.Text type="secondary">{hint}</Typography.Text>}
    </Card>
  );
}

function ChartCard({ title, spec, label, testId, empty, height }: { title: string; spec: ChartSpec; label: string; testId: string; empty: boolean; height?: number }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={<Typography.Title level={2} className="wo-stats-card-title">{title}</Typography.Title>} className="wo-stats-card">
      {empty ? (
        <Empty description={t('woStats.noData')} />
      ) : (
        <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
          <StatsChart spec={spec} label={label} testId={testId} height={height} />
        </Suspense>
      )}
    </Card>
  );
}

export function StatsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { me } = useAuth();
  const canExport = me?.permissions.includes('work_order.export') ?? false;
  const [params, setParams] = useSearchParams();
  const period = useMemo(() => periodFromParams(params, new Date()), [params]);
  const [custom, setCustom] = useState({ from: period.from, to: period.to });
  const [stats, setStats] = useState<WorkOrderStats | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);
  const [n, setN] = useState(0);
  const categories = useCategories();
  const districts = useDistricts();
  const departments = useDepartments();
  const lang = i18n.language;

  useEffect(() => setCustom({ from: period.from, to: period.to }), [period.from, period.to]);

  const { from, to, preset } = period;
  useEffect(() => {
    let live = true;
    setLoading(true);
    statsApi.get({ preset, from, to }).then(
      (s) => live && (setStats(s), setError(null), setLoading(false)),
      (e: unknown) => live && (setError(errorMessage(e)), setLoading(false)),
    );
    return () => {
      live = false;
    };
  }, [preset, from, to, n]);

  const choose = (preset: Preset) => {
    if (preset === 'custom') setParams(periodToParams({ preset, from: custom.from, to: custom.to }));
    else setParams(periodToParams(presetPeriod(preset, new Date())));
  };
  // Picking the two days applies them (into the URL, which the figures follow) once they make a period the server
  // takes; until then the figures stay those of the period shown, and the warning below says what is wrong.
  const pickDays = ([from, to]: [string, string]) => {
    setCustom({ from, to });
    const picked = pickedPeriod({ from, to });
    if (picked && (picked.from !== period.from || picked.to !== period.to || period.preset !== 'custom')) setParams(periodToParams(picked));
  };
  const customProblem = periodProblem(custom);
  // The days being picked differ from the period shown (or a custom period is shown): their problem is worth saying.
  const editing = custom.from !== period.from || custom.to !== period.to || period.preset === 'custom';

  const exportOrders = async (format: 'csv' | 'xlsx') => {
    setExporting(format);
    try {
      const r = await downloadExport(period, format);
      void message.success(r.truncated ? t('woStats.export.truncated', { rows: r.rows ?? 0, file: r.filename }) : t('woStats.export.done', { rows: r.rows ?? 0, file: r.filename }));
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setExporting(null);
    }
  };

  // ---- labels of group keys in the UI language ----
  const deptNames = useMemo(() => new Map((departments.items ?? []).map((d) => [d.id, lang === 'en' && d.nameEn ? d.nameEn : d.nameZh])), [departments.items, lang]);
  const label = useCallback(
    (group: string, r: StatsGroupRow): string => {
      if (r.key === null) return t(`woStats.none.${group}`, { defaultValue: t('woStats.none.other') });
      if (group === 'status') return t(`workOrders.status.${r.key}`, { defaultValue: r.key });
      if (group === 'channel') return t(`workOrders.channel.${r.key}`, { defaultValue: r.key });
      if (group === 'requestType') return t(`workOrders.requestType.${r.key}`, { defaultValue: r.key });
      if (group === 'category') {
        const c = categories.byCode.get(r.key);
        return c ? (lang === 'en' && c.nameEn ? c.nameEn : c.nameZh) : r.label ?? r.key;
      }
      if (group === 'district') {
        const name = districtName(r.key, districts, lang);
        return name !== r.key ? name : r.label ?? r.key;
      }
      if (group === 'department') return deptNames.get(r.key) ?? r.label ?? r.key;
      return r.label ?? r.key;
    },
    [t, categories.byCode, districts, deptNames, lang],
  );

  const s = stats?.summary;
  const groups = stats?.groups ?? {};
  const charts = useMemo(() => {
    const bars = (group: 'category' | 'district' | 'status', top = 12): { spec: ChartSpec; text: string; empty: boolean } => {
      const rows = (groups[group] ?? []).slice(0, top);
      const names = rows.map((r) => label(group, r));
      return {
        spec: {
          kind: 'bar',
          categories: names,
          series:
            group === 'status'
              ? [{ name: t('woStats.series.total'), values: rows.map((r) => r.total), color: BLUE }]
              : [
                  { name: t('woStats.series.total'), values: rows.map((r) => r.total), color: BLUE },
                  { name: t('woStats.series.closed'), values: rows.map((r) => r.closed), color: GREEN },
                ],
        },
        text: t('woStats.chart.listLabel', { title: t(`woStats.chart.${group}`), items: names.map((nm, i) => `${nm} ${rows[i]!.total}`).join(t('woStats.sep')) }),
        empty: rows.length === 0,
      };
    };
    const days = dailySeries(groups.day ?? [], period);
    const trend: ChartSpec = {
      kind: 'line',
      categories: days.map((d) => d.day),
      series: [
        { name: t('woStats.series.total'), values: days.map((d) => d.total), color: BLUE },
        { name: t('woStats.series.closed'), values: days.map((d) => d.closed), color: GREEN },
      ],
    };
    const slices = [
      { name: t('workOrders.rating.satisfied'), value: s?.satisfied ?? 0, color: GREEN },
      { name: t('workOrders.rating.basically'), value: s?.basically ?? 0, color: ORANGE },
      { name: t('workOrders.rating.unsatisfied'), value: s?.unsatisfied ?? 0, color: RED },
    ];
    return {
      trend,
      trendText: t('woStats.chart.trendLabel', { from: period.from, to: period.to, total: s?.total ?? 0, peak: Math.max(0, ...days.map((d) => d.total)) }),
      category: bars('category'),
      district: bars('district'),
      status: bars('status', 20),
      satisfaction: {
        spec: { kind: 'pie', slices } as ChartSpec,
        text: t('woStats.chart.listLabel', { title: t('woStats.chart.satisfaction'), items: slices.map((x) => `${x.name} ${x.value}`).join(t('woStats.sep')) }),
        empty: (s?.rated ?? 0) === 0,
      },
    };
  }, [groups, period, s, t, label]);

  const hours = (h: number | null | undefined) => (h === null || h === undefined ? '—' : t('woStats.hours', { n: h }));
  const departmentRows = (groups.department ?? []).map((r) => ({ ...r, rowKey: r.key ?? '-', name: label('department', r) }));

  return (
    <div className="wo-stats" data-testid="stats-page">
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('woStats.title')}
      </Typography.Title>
      <Card size="small" className="wo-stats-toolbar">
        <Space wrap size={[16, 8]} align="center">
          <Radio.Group
            aria-label={t('woStats.period.label')}
            optionType="button"
            value={period.preset}
            onChange={(e) => choose(e.target.value as Preset)}
            options={PRESETS.map((p) => ({ value: p, label: t(`woStats.period.${p}`), id: `period-${p}` }))}
            data-testid="period-presets"
          />
          <DayRangePicker ids={['stats-from', 'stats-to']} labels={[t('woStats.period.from'), t('woStats.period.to')]} value={[custom.from, custom.to]} onChange={pickDays} style={{ width: 260 }} />
          <Button icon={<ReloadOutlined />} onClick={() => setN((x) => x + 1)} loading={loading} aria-label={t('woStats.reload')} />
          {canExport && (
            <Space size={4}>
              <Button icon={<DownloadOutlined />} onClick={() => void exportOrders('csv')} loading={exporting === 'csv'} data-testid="export-csv">
                {t('woStats.export.csv')}
              </Button>
              <Button icon={<DownloadOutlined />} onClick={() => void exportOrders('xlsx')} loading={exporting === 'xlsx'} data-testid="export-xlsx">
                {t('woStats.export.xlsx')}
              </Button>
            </Space>
          )}
        </Space>
        {customProblem !== null && editing && <Alert type="warning" showIcon title={t(`woStats.period.problem.${customProblem}`)} style={{ marginTop: 8 }} data-testid="period-problem" />}
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }} data-testid="period-text">
          {t('woStats.period.showing', { from: period.from, to: period.to })}
        </Typography.Paragraph>
      </Card>

      {error && <Alert type="error" showIcon title={error} data-testid="stats-error" />}
      {!stats && loading && (
        <div style={{ padding: 48, textAlign: 'center' }}>
          <Spin aria-label={t('common.loading')} />
        </div>
      )}
      {s && (
        <>
          <Row gutter={[12, 12]} className="wo-stats-kpis" data-testid="stats-kpis">
            {[
              { id: 'total', title: t('woStats.kpi.total'), value: String(s.total) },
              { id: 'open', title: t('woStats.kpi.open'), value: String(s.open), hint: t('woStats.kpi.openHint') },
              { id: 'closed', title: t('woStats.kpi.closed'), value: String(s.closed), hint: t('woStats.kpi.closedHint') },
              { id: 'onTimeRate', title: t('woStats.kpi.onTimeRate'), value: formatRate(s.onTimeRate), hint: t('woStats.kpi.ofClosed', { n: s.closedOnTime, d: s.closed }) },
              { id: 'satisfactionRate', title: t('woStats.kpi.satisfactionRate'), value: formatRate(s.satisfactionRate), hint: t('woStats.kpi.ofRated', { n: s.satisfied + s.basically, d: s.rated }) + (s.ratedRate !== null ? t('woStats.kpi.ratedRate', { rate: formatRate(s.ratedRate) }) : '') + (s.defaultRated > 0 ? t('woStats.kpi.defaultRated', { n: s.defaultRated }) : '') },
              { id: 'responseRate', title: t('woStats.kpi.responseRate'), value: formatRate(s.responseRate), hint: t('woStats.kpi.ofTotal', { n: s.responded, d: s.total }) },
              { id: 'signOnTimeRate', title: t('woStats.kpi.signOnTimeRate'), value: formatRate(s.signOnTimeRate), hint: t('woStats.kpi.ofDispatched', { n: s.signedOnTime, d: s.dispatched }) },
              { id: 'overdue', title: t('woStats.kpi.overdue'), value: String(s.overdue), hint: t('woStats.kpi.overdueHint') },
              { id: 'avgCloseHours', title: t('woStats.kpi.avgCloseHours'), value: hours(s.avgCloseHours), hint: s.closed > 0 ? t('woStats.kpi.avgCloseHint', { n: s.closed }) : t('woStats.kpi.avgCloseNone') },
            ].map((k) => (
              <Col key={k.id} xs={12} sm={8}>
                <Kpi {...k} />
              </Col>
            ))}
          </Row>

          <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
            <Col xs={24} xl={16}>
              <ChartCard title={t('woStats.chart.trend')} spec={charts.trend} label={charts.trendText} testId="chart-trend" empty={s.total === 0} />
            </Col>
            <Col xs={24} xl={8}>
              <ChartCard title={t('woStats.chart.satisfaction')} spec={charts.satisfaction.spec} label={charts.satisfaction.text} testId="chart-satisfaction" empty={charts.satisfaction.empty} />
            </Col>
            <Col xs={24} xl={8}>
              <ChartCard title={t('woStats.chart.category')} spec={charts.category.spec} label={charts.category.text} testId="chart-category" empty={charts.category.empty} height={340} />
            </Col>
            <Col xs={24} xl={8}>
              <ChartCard title={t('woStats.chart.district')} spec={charts.district.spec} label={charts.district.text} testId="chart-district" empty={charts.district.empty} height={340} />
            </Col>
            <Col xs={24} xl={8}>
              <ChartCard title={t('woStats.chart.status')} spec={charts.status.spec} label={charts.status.text} testId="chart-status" empty={charts.status.empty} height={340} />
            </Col>
          </Row>

          <Card size="small" style={{ marginTop: 12 }} title={<Typography.Title level={2} className="wo-stats-card-title">{t('woStats.department.title')}</Typography.Title>}>
            <Table
              size="small"
              rowKey="rowKey"
              dataSource={departmentRows}
              pagination={departmentRows.length > 20 ? { pageSize: 20 } : false}
              data-testid="stats-departments"
              locale={{ emptyText: t('woStats.noData') }}
              columns={[
                { title: t('woStats.department.name'), dataIndex: 'name' },
                { title: t('woStats.department.total'), dataIndex: 'total', align: 'right', sorter: (a, b) => a.total - b.total, defaultSortOrder: 'descend' },
                { title: t('woStats.department.closed'), dataIndex: 'closed', align: 'right', sorter: (a, b) => a.closed - b.closed },
                { title: t('woStats.department.onTimeRate'), dataIndex: 'onTimeRate', align: 'right', render: (v: number | null) => formatRate(v), sorter: (a, b) => (a.onTimeRate ?? -1) - (b.onTimeRate ?? -1) },
                { title: t('woStats.department.overdue'), dataIndex: 'overdue', align: 'right', sorter: (a, b) => a.overdue - b.overdue },
                { title: t('woStats.department.satisfactionRate'), dataIndex: 'satisfactionRate', align: 'right', render: (v: number | null) => formatRate(v), sorter: (a, b) => (a.satisfactionRate ?? -1) - (b.satisfactionRate ?? -1) },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}
