/**
 * 辖区总览: for viewers who may read work orders, today's operations figures in their own data scope (GET
 * /work-orders/overview: 今日受理, 在办, 待派遣, 临期预警, 超期, 督办, 今日办结, and the last 30 days' 按期办结率 and
 * 满意率), each a link to the work-order list filtered to exactly the orders counted (the rates: the statistics page
 * for the period, or the period's orders); the district map coloured by open or overdue orders, with a legend, and
 * the counts by district. Everyone else sees the districts on the map with their GB/T 2260 codes.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Segmented, Skeleton, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api';
import { divisionName, type DivisionProps } from '../../shared/map/geo';
import { useDivisions } from '../../shared/map/use-divisions';
import { formatTime } from '../../shared/time';
import { useAuth } from '../auth';
import { overviewApi } from '../overview/api';
import { COUNT_FIGURES, districtFills, districtLink, figureLink, statsLink, ZERO_COLOUR, type CountFigure, type DistrictMetric, type Overview } from '../overview/model';
import { formatRate } from '../stats/model';
import { emptyFilters, filtersToParams } from '../work-orders/model';
import '../overview/overview.css';

const CityMap = lazy(() => import('../../shared/map/CityMap'));

const MAP_HEIGHT = 352;
/** Value colours with AA contrast on white: a figure that needs attention shows in its colour when it is not 0. */
const TONE: Partial<Record<CountFigure, string>> = { warning: '#a34e00', overdue: '#c0262d', supervised: '#7a3bb0', awaitingDispatch: '#1f5fbf' };

interface FigureTileProps {
  id: string;
  to: string;
  label: string;
  value: string;
  hint: string;
  title: string;
  colour?: string | undefined;
  loading: boolean;
}

function FigureTile({ id, to, label, value, hint, title, colour, loading }: FigureTileProps) {
  const body = (
    <Card size="small" className="cg-ov-tile" hoverable={!loading}>
      <Statistic title={label} value={value} loading={loading} styles={{ content: { color: colour, fontWeight: 600 } }} />
      <div className="cg-ov-hint">{hint}</div>
    </Card>
  );
  if (loading) return <div data-testid={`figure-${id}`}>{body}</div>;
  return (
    <Link to={to} className="cg-ov-link" data-testid={`figure-${id}`} data-value={value} title={title}>
      {body}
    </Link>
  );
}

function scopeKey(grants: readonly { scope: { kind: string } }[]): 'jurisdiction' | 'department' | 'grids' | 'self' {
  const kinds = new Set(grants.map((g) => g.scope.kind));
  if (kinds.has('jurisdiction')) return 'jurisdiction';
  if (kinds.has('department')) return 'department';
  if (kinds.has('grids')) return 'grids';
  return 'self';
}

interface DistrictRow {
  key: string;
  code: string | null;
  name: string;
  open: number;
  overdue: number;
}

export function OverviewPage() {
  const { t, i18n } = useTranslation();
  const { me, can } = useAuth();
  const canRead = can('work_order.read');
  const canStats = can('work_order.stats');
  const { data: divisions, error: mapError } = useDivisions('district');
  const [selected, setSelected] = useState<DivisionProps | null>(null);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [loading, setLoading] = useState(canRead);
  const [error, setError] = useState<string | null>(null);
  const [metric, setMetric] = useState<DistrictMetric>('open');

  const load = useCallback(() => {
    if (!canRead) return () => undefined;
    let live = true;
    setLoading(true);
    overviewApi.get().then(
      (o) => live && (setOverview(o), setError(null), setLoading(false)),
      (e: unknown) => live && (setError(errorMessage(e)), setLoading(false)),
    );
    return () => {
      live = false;
    };
  }, [canRead]);
  useEffect(() => load(), [load]);

  const lang = i18n.language;
  const codes = useMemo(() => divisions?.features.map((f) => f.properties.code) ?? [], [divisions]);
  const choropleth = useMemo(() => (overview ? districtFills(codes, overview.districts, metric) : null), [overview, codes, metric]);
  // The map frames the districts with open orders (the same for both colourings, so switching does not move it).
  const focusCodes = useMemo(() => overview?.districts.filter((d) => d.code !== null && d.open > 0).map((d) => d.code!) ?? [], [overview]);
  const rows = useMemo<DistrictRow[]>(() => {
    if (!divisions) return [];
    const byCode = new Map((overview?.districts ?? []).map((d) => [d.code, d]));
    const list: DistrictRow[] = divisions.features.map((f) => ({
      key: f.properties.code,
      code: f.properties.code,
      name: divisionName(f.properties, lang),
      open: byCode.get(f.properties.code)?.open ?? 0,
      overdue: byCode.get(f.properties.code)?.overdue ?? 0,
    }));
    const unplaced = byCode.get(null);
    if (unplaced) list.push({ key: 'none', code: null, name: t('woOverview.table.unplaced'), open: unplaced.open, overdue: unplaced.overdue });
    // Busiest first when there are figures; otherwise the divisions' own order.
    return overview ? list.sort((a, b) => b[metric] - a[metric] || b.open - a.open) : list;
  }, [divisions, overview, lang, metric, t]);

  const empty = overview !== null && Object.values(overview.counts).every((n) => n === 0) && overview.rates.total === 0;
  const day = overview?.today.day ?? '';
  const asOf = overview ? formatTime(overview.asOf) : '';

  const rateTo = (o: Overview) =>
    canStats ? statsLink(o.period) : `/work-orders?${filtersToParams({ ...emptyFilters(), from: o.period.from, to: o.period.to }).toString()}`;

  const tiles = () => {
    const o = overview;
    const countTiles = COUNT_FIGURES.map((f) => {
      const n = o?.counts[f] ?? 0;
      return (
        <FigureTile
          key={f}
          id={f}
          to={o ? figureLink(f, o.today.day) : ''}
          label={t(`woOverview.figure.${f}`)}
          value={String(n)}
          hint={t(`woOverview.hint.${f}`)}
          title={t('woOverview.openList')}
          colour={n > 0 ? TONE[f] : undefined}
          loading={!o}
        />
      );
    });
    return [
      ...countTiles,
      <FigureTile
        key="onTimeRate"
        id="onTimeRate"
        to={o ? rateTo(o) : ''}
        label={t('woOverview.figure.onTimeRate')}
        value={formatRate(o?.rates.onTimeRate ?? null)}
        hint={t('woOverview.hint.onTimeRate', { n: o?.rates.closedOnTime ?? 0, d: o?.rates.closed ?? 0 })}
        title={t(canStats ? 'woOverview.openStats' : 'woOverview.openList')}
        loading={!o}
      />,
      <FigureTile
        key="satisfactionRate"
        id="satisfactionRate"
        to={o ? rateTo(o) : ''}
        label={t('woOverview.figure.satisfactionRate')}
        value={formatRate(o?.rates.satisfactionRate ?? null)}
        hint={t('woOverview.hint.satisfactionRate', { d: o?.rates.rated ?? 0 })}
        title={t(canStats ? 'woOverview.openStats' : 'woOverview.openList')}
        loading={!o}
      />,
    ];
  };

  const selectButton = (r: DistrictRow) => {
    const props = divisions?.features.find((f) => f.properties.code === r.code)?.properties;
    if (!props) return <Typography.Text type="secondary">{r.name}</Typography.Text>;
    return (
      <button type="button" onClick={() => setSelected(props)} className="cg-link-button" aria-pressed={selected?.code === r.code}>
        {r.name}
      </button>
    );
  };
  const countCell = (r: DistrictRow, m: DistrictMetric) =>
    r.code === null || r[m] === 0 ? (
      <span className="cg-ov-zero">{r[m]}</span>
    ) : (
      <Link to={districtLink(r.code, m)} data-testid={`district-${m}-${r.code}`} title={t('woOverview.openList')}>
        {r[m]}
      </Link>
    );
  const columns: ColumnsType<DistrictRow> = canRead
    ? [
        { title: t('woOverview.table.district'), key: 'name', render: (_, r) => selectButton(r) },
        { title: t('woOverview.table.open'), key: 'open', align: 'right', width: 84, render: (_, r) => countCell(r, 'open') },
        { title: t('woOverview.table.overdue'), key: 'overdue', align: 'right', width: 84, render: (_, r) => countCell(r, 'overdue') },
      ]
    : [
        { title: t('woOverview.table.district'), key: 'name', render: (_, r) => selectButton(r) },
        { title: t('woOverview.table.code'), dataIndex: 'code', width: 96, render: (c: string) => <Typography.Text type="secondary">{c}</Typography.Text> },
      ];

  const steps = choropleth?.steps ?? [];
  return (
    <div className="cg-ov" data-testid="overview">
      <div className="cg-ov-head">
        <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22, marginBottom: 0 }}>
          {t('overview.title')}
        </Typography.Title>
        {canRead && (
          <div className="cg-ov-meta">
            {overview && (
              <Typography.Text type="secondary" data-testid="overview-day">
                {t('woOverview.today', { day })} · {t('woOverview.asOf', { time: asOf })} · {t(`woOverview.scope.${scopeKey(me?.user.grants ?? [])}`)}
              </Typography.Text>
            )}
            <Button icon={<ReloadOutlined />} onClick={load} loading={loading && overview !== null} data-testid="overview-reload">
              {t('woOverview.reload')}
            </Button>
          </div>
        )}
      </div>

      {canRead && error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('woOverview.error')}
          description={error}
          action={<Button onClick={load} data-testid="overview-retry">{t('woOverview.retry')}</Button>}
          style={{ marginBottom: 12 }}
          data-testid="overview-error"
        />
      )}
      {canRead && !error && !empty && (
        <section aria-label={t('woOverview.figuresLabel')} className="cg-ov-tiles" data-testid="overview-figures" data-loaded={overview ? 'true' : 'false'}>
          {tiles()}
        </section>
      )}
      {canRead && empty && (
        <Card size="small" className="cg-ov-empty" data-testid="overview-empty">
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<><strong>{t('woOverview.empty.title')}</strong><br />{t('woOverview.empty.text')}</>} />
        </Card>
      )}
      {overview && !empty && (
        <Typography.Paragraph type="secondary" className="cg-ov-note">
          {t('woOverview.ratesNote', { from: overview.period.from, to: overview.period.to })}
        </Typography.Paragraph>
      )}

      {mapError && <Alert type="error" showIcon title={mapError} role="alert" />}
      {!divisions && !mapError && <Skeleton active />}
      {divisions && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={15}>
            <Card
              size="small"
              title={<Typography.Title level={2} className="cg-ov-card-title">{t('woOverview.map.title')}</Typography.Title>}
              extra={
                overview && (
                  <Segmented
                    size="small"
                    aria-label={t('woOverview.map.metricLabel')}
                    value={metric}
                    onChange={(v) => setMetric(v as DistrictMetric)}
                    options={(['open', 'overdue'] as const).map((m) => ({ value: m, label: t(`woOverview.map.metric.${m}`) }))}
                    data-testid="overview-metric"
                  />
                )
              }
              styles={{ body: { padding: 8 } }}
            >
              <Suspense fallback={<Skeleton active />}>
                <CityMap data={divisions} height={MAP_HEIGHT} selectedCode={selected?.code ?? null} onSelect={setSelected} {...(choropleth ? { fills: choropleth.fills, focusCodes } : {})} />
              </Suspense>
              <div className="cg-ov-map-foot">
                {overview && (
                  <ul className="cg-ov-legend" aria-label={t('woOverview.map.legendLabel')} data-testid="overview-legend">
                    <li className="cg-ov-legend-title">{t('woOverview.map.legend', { metric: t(`woOverview.map.metric.${metric}`) })}</li>
                    <li>
                      <span className="cg-ov-swatch" style={{ background: ZERO_COLOUR }} aria-hidden="true" />
                      {steps.length === 0 ? t('woOverview.map.none') : '0'}
                    </li>
                    {steps.map((s) => (
                      <li key={s.min}>
                        <span className="cg-ov-swatch" style={{ background: s.colour }} aria-hidden="true" />
                        {s.min === s.max ? s.min : `${s.min}–${s.max}`}
                      </li>
                    ))}
                  </ul>
                )}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('map.attribution')}
                </Typography.Text>
              </div>
            </Card>
          </Col>
          <Col xs={24} lg={9}>
            <Card
              size="small"
              title={<Typography.Title level={2} className="cg-ov-card-title">{canRead ? t('woOverview.table.title') : t('overview.districts', { count: divisions.features.length })}</Typography.Title>}
              styles={{ body: { padding: 0 } }}
            >
              <Table
                size="small"
                rowKey="key"
                columns={columns}
                dataSource={rows}
                pagination={false}
                // As tall as the map's card beside it (map, legend and attribution under the same card title).
                scroll={{ y: MAP_HEIGHT + 32 }}
                loading={canRead && loading && !overview}
                data-testid="district-list"
                rowClassName={(r) => (selected?.code === r.code ? 'cg-ov-selected' : '')}
              />
            </Card>
          </Col>
        </Row>
      )}
    </div>
  );
}
