/**
 * One order (/console/work-orders/:id): header with deadline bar, the facts, the reporter masked (reveal for a
 * stated purpose, audited), the map, photos, duplicate candidates (merge for dispatchers), the timeline and the
 * actions this viewer may take now.
 */
import { ArrowLeftOutlined, EyeOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Card, Col, Descriptions, Empty, Form, Modal, Row, Select, Space, Spin, Table, Timeline, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { useAuth } from '../auth';
import { departmentName, useDepartments } from '../departments';
import { TransferPanel } from '../federation/TransferPanel';
import { ZoneNote } from '../ZoneNote';
import { ActionBar } from './actions';
import { REVEAL_PURPOSES, type WorkOrderDetail, type WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import { attachmentUrl, workOrdersApi } from './api';
import { actorKey } from './model';
import { DeadlineBar, deptName, districtName, SignDeadline, StatusTag, SupervisedTag, UrgencyTag, useCategories, useDistricts } from './parts';

const OrderMap = lazy(() => import('./OrderMap'));

/** The queues an order may be opened from, by path: the detail page leads back there (with the tab) instead of to the list. */
const QUEUES: Record<string, string> = { '/inbox': 'workOrders.nav.inbox', '/dispatch': 'workOrders.nav.board' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A ticket code: the jurisdiction's prefix (1–4 letters), the day and a 6-digit number (see the server's ticket-code.ts). */
const TICKET_CODE = /^[A-Z]{1,4}\d{14}$/;

export function Photos({ ids, label }: { ids: readonly string[]; label: string }) {
  const { t } = useTranslation();
  if (ids.length === 0) return null;
  return (
    <div className="wo-photos" data-testid="photos">
      {ids.map((id, i) => (
        <a key={id} href={attachmentUrl(id)} target="_blank" rel="noreferrer" aria-label={t('workOrders.detail.photoOpen', { n: i + 1, of: label })}>
          <img src={attachmentUrl(id, 'thumb')} alt={t('workOrders.detail.photoAlt', { n: i + 1, of: label })} loading="lazy" />
        </a>
      ))}
    </div>
  );
}

function RevealButton({ order }: { order: WorkOrderDetail }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [purpose, setPurpose] = useState<string | undefined>();
  const [result, setResult] = useState<{ name: string | null; phone: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reveal = async () => {
    if (!purpose) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await workOrdersApi.reveal(order.id, purpose));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="small" icon={<EyeOutlined />} onClick={() => setOpen(true)} data-testid="reveal-reporter">
        {t('workOrders.reveal.button')}
      </Button>
      <Modal
        open={open}
        title={t('workOrders.reveal.title')}
        onCancel={() => (setOpen(false), setResult(null))}
        onOk={() => (result ? (setOpen(false), setResult(null)) : void reveal())}
        okText={result ? t('common.close') : t('workOrders.reveal.confirm')}
        okButtonProps={{ disabled: !purpose, loading: busy, 'data-testid': 'reveal-confirm' } as ButtonProps}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Alert type="info" showIcon title={t('workOrders.reveal.audited')} style={{ marginBottom: 12 }} />
        <Form layout="vertical">
          <Form.Item label={t('workOrders.reveal.purpose')} required>
            <Select
              value={purpose}
              onChange={setPurpose}
              aria-label={t('workOrders.reveal.purpose')}
              // The purpose is asked for first: focused when the dialog opens (else the close button is, and Enter closes it).
              autoFocus
              data-testid="reveal-purpose"
              options={REVEAL_PURPOSES.map((p) => ({ value: p, label: t(`workOrders.reveal.purposes.${p}`) }))}
            />
          </Form.Item>
        </Form>
        {error && <Alert type="error" showIcon title={error} />}
        {result && (
          <Descriptions size="small" column={1} bordered data-testid="reveal-result">
            <Descriptions.Item label={t('workOrders.reporter.name')}>{result.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('workOrders.reporter.phone')}>{result.phone ?? '—'}</Descriptions.Item>
          </Descriptions>
        )}
      </Modal>
    </>
  );
}

/** The order a merged duplicate was merged into (合并到), by its ticket code, opened from here. */
function ParentLink({ id }: { id: string }) {
  const [parent, setParent] = useState<{ id: string; code: string } | null>(null);
  useEffect(() => {
    let live = true;
    workOrdersApi.get(id).then(
      (o) => live && setParent({ id: o.id, code: o.code }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id]);
  return parent ? (
    <Link to={`/work-orders/${parent.id}`} data-testid="detail-parent">
      {parent.code}
    </Link>
  ) : (
    <span data-testid="detail-parent">—</span>
  );
}

function Duplicates({ order, onChanged }: { order: WorkOrderDetail; onChanged: (o: WorkOrderDetail | null) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [items, setItems] = useState<(WorkOrderSummary & { distanceM: number })[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canMerge = order.allowedActions.includes('merge');
  useEffect(() => {
    let live = true;
    workOrdersApi.duplicates(order.id).then(
      (d) => live && setItems(d),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [order.id, order.version]);
  const merge = async (parent: WorkOrderSummary) => {
    try {
      onChanged(await workOrdersApi.act(order.id, order.version, { type: 'merge', parentId: parent.id }));
      message.success(t('workOrders.duplicates.merged', { code: parent.code }));
    } catch (e) {
      setError(errorMessage(e));
      onChanged(null);
    }
  };
  return (
    <Card size="small" title={t('workOrders.duplicates.title')} data-testid="duplicates">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Table
        size="small"
        rowKey="id"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={false}
        locale={{ emptyText: <span className="wo-empty">{t('workOrders.duplicates.none')}</span> }}
        columns={[
          { title: t('workOrders.col.code'), dataIndex: 'code', render: (c: string, r) => <Link to={`/work-orders/${r.id}`}>{c}</Link> },
          { title: t('workOrders.col.title'), dataIndex: 'title' },
          { title: t('workOrders.col.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('workOrders.duplicates.distance'), dataIndex: 'distanceM', render: (m: number) => t('workOrders.duplicates.metres', { m: Math.round(m) }) },
          ...(canMerge
            ? [
                {
                  title: t('common.actions'),
                  key: 'merge',
                  render: (_: unknown, r: WorkOrderSummary) => (
                    <Button size="small" onClick={() => void merge(r)} data-testid={`merge-into-${r.code}`}>
                      {t('workOrders.duplicates.mergeInto')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

export function WorkOrderDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const categories = useCategories();
  const districts = useDistricts();
  const departments = useDepartments();
  const departmentById = useMemo(() => new Map((departments.items ?? []).map((d) => [d.id, d])), [departments.items]);
  const [order, setOrder] = useState<WorkOrderDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const navigate = useNavigate();
  const from = (useLocation().state as { back?: unknown } | null)?.back;
  const queue = typeof from === 'string' ? QUEUES[from.split('?')[0]!] : undefined;
  const back = queue ? { to: from as string, label: t('workOrders.detail.backTo', { page: t(queue) }) } : { to: '/work-orders', label: t('workOrders.detail.back') };
  const load = useCallback(async () => {
    try {
      if (!UUID.test(id)) {
        // An address with a ticket code (工单编号, e.g. pasted from a call note) opens that order; anything else is
        // no order at all, said as such rather than as the API's "bad parameter".
        const code = id.trim().toUpperCase();
        const found = TICKET_CODE.test(code) ? (await workOrdersApi.list({ q: code, limit: 5 })).items.find((o) => o.code === code) : undefined;
        if (found) navigate(`/work-orders/${found.id}`, { replace: true });
        else setError(t('workOrders.detail.notFound'));
        return;
      }
      setOrder(await workOrdersApi.get(id));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? t('workOrders.detail.notFound') : errorMessage(e));
    }
  }, [id, navigate, t]);
  useEffect(() => void load(), [load]);
  const changed = (o: WorkOrderDetail | null) => (o ? setOrder(o) : void load());

  if (error && !order)
    return (
      <Space direction="vertical">
        <Alert type="error" showIcon title={error} data-testid="detail-error" />
        <Link to={back.to} data-testid="detail-back">
          <ArrowLeftOutlined /> {back.label}
        </Link>
      </Space>
    );
  if (!order) return <Spin aria-label={t('common.loading')} />;

  const allPhotos = order.timeline.flatMap((e) => e.photos);
  const place = [districtName(order.districtCode, districts, i18n.language), order.gridCode, order.address].filter(Boolean).join(' · ');
  return (
    <div data-testid="work-order-detail" data-status={order.status} data-version={order.version}>
      <Space style={{ marginBottom: 8 }}>
        <Link to={back.to} data-testid="detail-back">
          <ArrowLeftOutlined /> {back.label}
        </Link>
        <Button size="small" icon={<ReloadOutlined />} onClick={() => void load()} data-testid="detail-reload">
          {t('workOrders.detail.reload')}
        </Button>
      </Space>
      <Space align="center" wrap style={{ marginBottom: 12 }}>
        <Typography.Title level={2} style={{ margin: 0 }} data-testid="detail-code">
          {order.code}
        </Typography.Title>
        <StatusTag status={order.status} />
        <UrgencyTag urgency={order.urgency} />
        {order.supervised && <SupervisedTag />}
        <DeadlineBar order={order} wide />
        <SignDeadline order={order} />
      </Space>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {order.title}
      </Typography.Title>
      <Card size="small" title={t('workOrders.detail.actions')} style={{ marginBottom: 12 }}>
        <ActionBar order={order} onChanged={changed} />
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('workOrders.detail.facts')} extra={<ZoneNote />}>
            <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
              <Descriptions.Item label={t('workOrders.col.requestType')}>{t(`workOrders.requestType.${order.requestType}`, { defaultValue: order.requestType })}</Descriptions.Item>
              <Descriptions.Item label={t('workOrders.col.channel')}>{t(`workOrders.channel.${order.channel}`, { defaultValue: order.channel })}</Descriptions.Item>
              <Descriptions.Item label={t('workOrders.col.category')}>{categories.label(order.categoryCode) || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('workOrders.col.department')}>{deptName(order.department, i18n.language) || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('workOrders.col.place')}>{place || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('workOrders.detail.component')}>{order.componentCode ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('workOrders.detail.created')}><span data-testid="detail-created">{formatDateTime(order.createdAt)}</span></Descriptions.Item>
              <Descriptions.Item label={t('workOrders.detail.due')}>
                {/* Suspended (挂起), the order has no deadline while its clock is paused: said, not a bare dash. */}
                <span data-testid="detail-due">{order.dueAt ? formatDateTime(order.dueAt) : order.status === 'suspended' ? t('workOrders.deadline.pausedClock') : '—'}</span>
              </Descriptions.Item>
              {order.parentId && (
                <Descriptions.Item label={t('workOrders.form.parent')} span="filled">
                  <ParentLink id={order.parentId} />
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('workOrders.detail.reporter')} span="filled">
                <Space wrap>
                  <span data-testid="reporter-masked">
                    {order.reporter.anonymous ? t('workOrders.reporter.anonymous') : [order.reporter.name, order.reporter.phone].filter(Boolean).join(' · ') || t('workOrders.reporter.none')}
                  </span>
                  {/* Nothing to reveal (an inspector's report, a call without a number): no button that opens an audited read of nothing. */}
                  {!order.reporter.anonymous && (order.reporter.name || order.reporter.phone) && can('work_order.reveal_reporter') && <RevealButton order={order} />}
                </Space>
              </Descriptions.Item>
              {order.extension && (
                <Descriptions.Item label={t('workOrders.detail.extension')} span="filled">
                  {t('workOrders.detail.extensionText', { state: t(`workOrders.extension.${order.extension.state}`, { defaultValue: order.extension.state }), days: order.extension.days, reason: order.extension.reason })}
                </Descriptions.Item>
              )}
              {(order.reworkCount > 0 || order.returnCount > 0 || order.reopenCount > 0) && (
                <Descriptions.Item label={t('workOrders.detail.counts')} span="filled">
                  {t('workOrders.detail.countsText', { rework: order.reworkCount, returns: order.returnCount, reopen: order.reopenCount })}
                </Descriptions.Item>
              )}
            </Descriptions>
            <Typography.Title level={4} style={{ marginTop: 12 }}>
              {t('workOrders.detail.description')}
            </Typography.Title>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="detail-description">
              {order.description || '—'}
            </Typography.Paragraph>
            {allPhotos.length > 0 && (
              <>
                <Typography.Title level={4}>{t('workOrders.detail.photos')}</Typography.Title>
                <Photos ids={allPhotos} label={order.code} />
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('workOrders.detail.location')}>
            {order.location ? (
              <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
                <OrderMap lng={order.location.lng} lat={order.location.lat} label={place || order.code} gridCode={order.gridCode} showGrids={can('grid.read')} />
              </Suspense>
            ) : (
              <Empty description={t('workOrders.detail.noPoint')} />
            )}
          </Card>
        </Col>
        {order.timeline.some((e) => e.action === 'transfer') && (
          <Col xs={24}>
            <TransferPanel workOrderId={order.id} version={order.updatedAt} />
          </Col>
        )}
        <Col xs={24}>
          <Duplicates order={order} onChanged={changed} />
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('workOrders.detail.timeline')}>
            <Timeline
              data-testid="timeline"
              items={order.timeline.map((e) => ({
                key: e.id,
                content: (
                  <div data-action={e.action}>
                    <Typography.Text strong>{t(`workOrders.action.${e.action}`, { defaultValue: e.action })}</Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      <span data-testid="timeline-at">{formatDateTime(e.at)}</span> · {e.actorName ? `${e.actorName} · ` : ''}
                      <span data-testid="timeline-actor">{t(actorKey(e.actorRole))}</span>
                      {e.from && e.from !== e.to ? ` · ${t(`workOrders.status.${e.from}`, { defaultValue: e.from })} → ${t(`workOrders.status.${e.to}`, { defaultValue: e.to })}` : ''}
                    </Typography.Text>
                    {(e.action === 'dispatch' || e.action === 'return') && typeof e.data.departmentId === 'string' && departmentById.get(e.data.departmentId) && (
                      // Where it was sent, or who sent it back: after a 退单 and a new 派遣 the entries said neither.
                      <div data-testid="timeline-department">
                        {t(e.action === 'dispatch' ? 'workOrders.detail.dispatchedTo' : 'workOrders.detail.returnedFrom', {
                          name: departmentName(departmentById.get(e.data.departmentId)!, i18n.language),
                        })}
                      </div>
                    )}
                    {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                    {e.data.days !== undefined && <div>{t('workOrders.detail.days', { days: e.data.days })}</div>}
                    {e.data.rating !== undefined && <div>{t(`workOrders.rating.${String(e.data.rating)}`, { defaultValue: String(e.data.rating) })}</div>}
                    {e.action === 'media_links' && (
                      // Photo links an Open311 client sent (data.url1, url2, …): opened by staff, never fetched by us.
                      <ul data-testid="media-links">
                        {Object.entries(e.data)
                          .filter(([k, v]) => /^url\d+$/.test(k) && /^https?:\/\//i.test(String(v)))
                          .sort(([a], [b]) => Number(a.slice(3)) - Number(b.slice(3)))
                          .map(([k, v]) => (
                            <li key={k}>
                              <a href={String(v)} target="_blank" rel="noopener noreferrer nofollow">
                                {String(v)}
                              </a>
                            </li>
                          ))}
                      </ul>
                    )}
                    <Photos ids={e.photos} label={t(`workOrders.action.${e.action}`, { defaultValue: e.action })} />
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
