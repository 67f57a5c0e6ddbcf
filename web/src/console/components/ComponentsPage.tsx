/**
 * 部件 (component.read): the city's components on a clustered map, filtered by class and status; a component's
 * detail (code, class, grid, owner department, status, photos from its orders, linked orders, history) in a drawer;
 * administrators import CSV/GeoJSON with a progress bar and the reject report.
 */
import { ImportOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Descriptions, Drawer, Empty, Modal, Progress, Select, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { ZoneNote } from '../ZoneNote';
import { useAuth } from '../auth';
import { departmentName, departmentsApi } from '../departments';
import type { DepartmentView as Department } from '@civicgrid/contracts/org';
import { attachmentUrl } from '../work-orders/api';
import { COMPONENT_STATUSES, componentsApi, importComponents, type ComponentClass, type ComponentDetail, type ComponentStatus, type ImportProgress, type ImportReport, type MapPoint } from './api';
import { className, classOptions, fileFormat, progressPercent, STATUS_COLORS } from './model';

const ComponentMap = lazy(() => import('./ComponentMap'));

function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  // The map's colours, dark enough for AA contrast on white (antd's preset tags are not).
  const color = STATUS_COLORS[status as ComponentStatus] ?? '#595959';
  return (
    <Tag style={{ color, borderColor: color, background: '#fff' }} variant="outlined">
      {t(`components.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

function ComponentDrawer({ code, classes, departments, onClose }: { code: string | null; classes: ComponentClass[]; departments: Department[]; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [detail, setDetail] = useState<ComponentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDetail(null);
    setError(null);
    if (!code) return;
    componentsApi.detail(code).then(setDetail, (e: unknown) => setError(errorMessage(e)));
  }, [code]);
  const lang = i18n.language;
  const parent = detail ? classes.find((c) => c.code === detail.classCode.slice(0, 2)) : undefined;
  const owner = detail?.ownerDepartmentId ? departments.find((d) => d.id === detail.ownerDepartmentId) : undefined;
  return (
    <Drawer open={code !== null} onClose={onClose} width={560} title={t('components.detail.title', { code: code ?? '' })} data-testid="component-drawer">
      {error && <Alert type="error" message={error} />}
      {!detail && !error && <Spin aria-label={t('common.loading')} />}
      {detail && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('components.field.code')}>
              <span data-testid="component-code">{detail.code}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('components.field.class')}>
              {parent ? `${className(parent, lang)} / ` : ''}
              {className(detail.className, lang)} ({detail.classCode})
            </Descriptions.Item>
            {detail.name && <Descriptions.Item label={t('components.field.name')}>{detail.name}</Descriptions.Item>}
            <Descriptions.Item label={t('components.field.grid')}>{detail.gridCode ?? t('components.none')}</Descriptions.Item>
            <Descriptions.Item label={t('components.field.owner')}>{owner ? departmentName(owner, lang) : (detail.ownerDepartmentId ?? t('components.none'))}</Descriptions.Item>
            <Descriptions.Item label={t('components.field.status')}>
              <span data-testid="component-status">
                <StatusTag status={detail.status} />
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('components.field.location')}>
              {detail.lng.toFixed(6)}, {detail.lat.toFixed(6)}
            </Descriptions.Item>
          </Descriptions>
          <section>
            <Typography.Title level={5}>{t('components.detail.photos')}</Typography.Title>
            {detail.photos.length === 0 ? (
              <Typography.Text type="secondary">{t('components.detail.noPhotos')}</Typography.Text>
            ) : (
              <Space wrap>
                {detail.photos.map((p, i) => (
                  <a key={p.attachmentId} href={attachmentUrl(p.attachmentId)} target="_blank" rel="noreferrer">
                    <img src={attachmentUrl(p.attachmentId)} alt={t('components.detail.photoAlt', { n: i + 1 })} style={{ width: 96, height: 96, objectFit: 'cover', borderRadius: 4 }} loading="lazy" />
                  </a>
                ))}
              </Space>
            )}
          </section>
          <section data-testid="component-orders">
            <Typography.Title level={5}>{t('components.detail.orders')}</Typography.Title>
            {detail.orders.length === 0 ? (
              <Typography.Text type="secondary">{t('components.detail.noOrders')}</Typography.Text>
            ) : (
              <Table
                size="small"
                pagination={false}
                rowKey="id"
                dataSource={detail.orders}
                columns={[
                  { title: t('components.order.code'), dataIndex: 'code', render: (v: string, o) => <Link to={`/work-orders/${o.id}`}>{v}</Link> },
                  { title: t('components.order.problem'), dataIndex: 'problem', render: (v: string) => t(`components.status.${v}`) },
                  { title: t('components.order.status'), dataIndex: 'status', render: (v: string) => t(`workOrders.status.${v}`, { defaultValue: v }) },
                  { title: t('components.order.how'), dataIndex: 'how', render: (v: string, o) => (v === 'nearest' ? t('components.order.nearest', { m: o.distanceM ?? 0 }) : t('components.order.recorded')) },
                ]}
              />
            )}
          </section>
          <section>
            <Typography.Title level={5}>
              {t('components.detail.history')} <ZoneNote />
            </Typography.Title>
            <Timeline
              items={detail.history.map((h) => ({
                children: (
                  <div>
                    <div>
                      {h.action === 'create' ? t('components.history.create') : t('components.history.status', { from: t(`components.status.${h.fromStatus}`), to: t(`components.status.${h.toStatus}`) })}
                      {h.workOrderCode && h.workOrderId && (
                        <>
                          {' · '}
                          <Link to={`/work-orders/${h.workOrderId}`}>{h.workOrderCode}</Link>
                        </>
                      )}
                    </div>
                    <Typography.Text type="secondary">
                      {formatDateTime(h.at)} {h.actor ?? ''} {h.note ?? ''}
                    </Typography.Text>
                  </div>
                ),
              }))}
            />
          </section>
        </Space>
      )}
    </Drawer>
  );
}

function ImportDialog({ open, onClose, onImported }: { open: boolean; onClose: () => void; onImported: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [skipRejected, setSkipRejected] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reset = () => {
    setProgress(null);
    setReport(null);
    setError(null);
  };
  const start = async () => {
    if (!file) return;
    reset();
    setRunning(true);
    try {
      const content = await file.text();
      const r = await importComponents({ format: fileFormat(file.name), content, dryRun, skipRejected }, setProgress);
      setProgress({ phase: 'done', done: r.total, total: r.total });
      setReport(r);
      if (r.applied) onImported();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };
  const percent = progressPercent(progress);
  return (
    <Modal
      open={open}
      title={t('components.import.title')}
      onCancel={running ? undefined : onClose}
      closable={!running}
      width={720}
      footer={[
        <Button key="close" onClick={onClose} disabled={running}>
          {t('components.import.close')}
        </Button>,
        <Button key="start" type="primary" onClick={() => void start()} loading={running} disabled={!file} data-testid="import-start">
          {t('components.import.start')}
        </Button>,
      ]}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('components.import.help')}</Typography.Paragraph>
        <input
            type="file"
            accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json"
            data-testid="import-file"
            aria-label={t('components.import.file')}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              reset();
            }}
          />
        <Space>
          <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)}>
            {t('components.import.dryRun')}
          </Checkbox>
          <Checkbox checked={skipRejected} onChange={(e) => setSkipRejected(e.target.checked)} data-testid="import-skip">
            {t('components.import.skipRejected')}
          </Checkbox>
        </Space>
        {(running || progress) && (
          <div data-testid="import-progress">
            <Progress percent={percent} status={error ? 'exception' : percent === 100 ? 'success' : 'active'} aria-label={t('components.import.progress')} />
            {progress && progress.phase !== 'done' && (
              <Typography.Text type="secondary">{t(`components.import.phase.${progress.phase}`, { done: progress.done, total: progress.total })}</Typography.Text>
            )}
          </div>
        )}
        {error && <Alert type="error" message={error} />}
        {report && (
          <div data-testid="import-report">
            <Alert
              type={report.applied ? 'success' : report.rejectedCount > 0 ? 'warning' : 'info'}
              message={t(report.applied ? 'components.import.applied' : report.dryRun ? 'components.import.dry' : report.rejectedCount > 0 && !skipRejected ? 'components.import.blocked' : 'components.import.nothing', {
                inserted: report.inserted,
              })}
              description={t('components.import.summary', { total: report.total, accepted: report.accepted, existing: report.existing, rejected: report.rejectedCount })}
            />
            {report.rejectedCount > 0 && (
              <Table
                style={{ marginTop: 12 }}
                size="small"
                rowKey={(r) => `${r.index}-${r.reason}`}
                dataSource={report.rejected}
                pagination={{ pageSize: 8, hideOnSinglePage: true }}
                columns={[
                  { title: t('components.import.row'), dataIndex: 'index', width: 80 },
                  { title: t('components.import.reason'), dataIndex: 'message' },
                ]}
              />
            )}
          </div>
        )}
      </Space>
    </Modal>
  );
}

export function ComponentsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const [classes, setClasses] = useState<ComponentClass[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [classCode, setClassCode] = useState<string | undefined>();
  const [status, setStatus] = useState<ComponentStatus | undefined>();
  const [points, setPoints] = useState<MapPoint[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    componentsApi.classes().then(setClasses, (e: unknown) => setError(errorMessage(e)));
    departmentsApi.list().then(setDepartments, () => undefined);
  }, []);
  const load = useCallback(async () => {
    try {
      const r = await componentsApi.map({ classCode, status });
      setPoints(r.items);
      setTruncated(r.truncated);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [classCode, status]);
  useEffect(() => {
    void load();
  }, [load]);

  const options = useMemo(() => classOptions(classes, i18n.language), [classes, i18n.language]);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const p of points ?? []) c[p.status] = (c[p.status] ?? 0) + 1;
    return c;
  }, [points]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('components.nav')}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 260 }}
            placeholder={t('components.filter.class')}
            aria-label={t('components.filter.class')}
            options={options}
            value={classCode}
            onChange={setClassCode}
            data-testid="filter-class"
          />
          <Select
            allowClear
            style={{ width: 180 }}
            placeholder={t('components.filter.status')}
            aria-label={t('components.filter.status')}
            options={COMPONENT_STATUSES.map((s) => ({ value: s, label: t(`components.status.${s}`) }))}
            value={status}
            onChange={setStatus}
            data-testid="filter-status"
          />
          {can('component.manage') && (
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="import-open">
              {t('components.import.open')}
            </Button>
          )}
          <Typography.Text data-testid="component-count">{t('components.count', { n: points?.length ?? 0 })}</Typography.Text>
        </Space>
        <div style={{ marginTop: 8 }}>
          <Space wrap size="small" aria-label={t('components.legend')}>
            {COMPONENT_STATUSES.map((s) => (
              <span key={s} style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
                <span aria-hidden style={{ width: 10, height: 10, borderRadius: 5, background: STATUS_COLORS[s], display: 'inline-block' }} />
                {t(`components.status.${s}`)} {counts[s] ?? 0}
              </span>
            ))}
          </Space>
        </div>
      </Card>
      {error && <Alert type="error" message={error} />}
      {truncated && <Alert type="warning" message={t('components.truncated')} />}
      <Card size="small">
        {points === null ? (
          <Spin aria-label={t('common.loading')} />
        ) : points.length === 0 ? (
          <Empty description={t('components.empty')} />
        ) : (
          <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
            <ComponentMap points={points} label={t('components.mapLabel')} onSelect={setSelected} />
          </Suspense>
        )}
      </Card>
      {points && points.length > 0 && (
        <Card size="small" title={t('components.list')}>
          <Table
            size="small"
            rowKey="code"
            data-testid="component-table"
            dataSource={points}
            pagination={{ pageSize: 10, showSizeChanger: false }}
                        columns={[
              { title: t('components.field.code'), dataIndex: 'code', render: (v: string) => (
                  <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setSelected(v)}>
                    {v}
                  </Button>
                ),
              },
              { title: t('components.field.class'), dataIndex: 'classCode', render: (v: string) => `${v} ${className(classes.find((c) => c.code === v), i18n.language)}` },
              { title: t('components.field.status'), dataIndex: 'status', render: (v: string) => <StatusTag status={v} /> },
            ]}
          />
        </Card>
      )}
      <ComponentDrawer code={selected} classes={classes} departments={departments} onClose={() => setSelected(null)} />
      <ImportDialog open={importing} onClose={() => setImporting(false)} onImported={() => void load()} />
    </Space>
  );
}
