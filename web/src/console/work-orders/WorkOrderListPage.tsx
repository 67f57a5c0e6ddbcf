/**
 * 工单 list and search (work_order.read): filters kept in the URL (a shareable link), Chinese full-text search,
 * keyset paging ("load more" with the server's cursor), deadline bars; a row opens the order; CSV/XLSX export of
 * exactly these filters (work_order.export).
 */
import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Row, Select, Space, Table, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage, type Query } from '../../shared/api';
import { DayPicker } from '../../shared/day-picker';
import { daysFrom, daysUntil } from '../../shared/picked-day';
import { useAuth } from '../auth';
import { departmentTree, useDepartments } from '../departments';
import { downloadOrders } from '../stats/api';
import { CHANNELS, REQUEST_TYPES, STATUSES, URGENCIES, type WorkOrderListItem, type WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import { workOrdersApi } from './api';
import { categoryTree, filtersFromParams, filtersToParams, filtersToQuery, type ListFilters, type ListSort } from './model';
import { DeadlineCell, deptName, districtName, StatusTag, useCategories, useDistricts } from './parts';

const PAGE = 20;

/** The columns every work-order table shares. */
export function useOrderColumns(): ColumnsType<WorkOrderSummary> {
  const { t, i18n } = useTranslation();
  const categories = useCategories();
  const districts = useDistricts();
  return [
    {
      title: t('workOrders.col.code'),
      dataIndex: 'code',
      width: 170,
      render: (c: string, r) => (
        <Link to={`/work-orders/${r.id}`} data-testid="order-link" style={{ whiteSpace: 'nowrap' }}>
          {c}
        </Link>
      ),
    },
    { title: t('workOrders.col.title'), dataIndex: 'title', ellipsis: true, width: 200 },
    { title: t('workOrders.col.category'), dataIndex: 'categoryCode', render: (c: string | null) => categories.label(c) || '—' },
    {
      title: t('workOrders.col.place'),
      key: 'place',
      render: (_, r) => [districtName(r.districtCode, districts, i18n.language), r.gridCode].filter(Boolean).join(' · ') || '—',
    },
    { title: t('workOrders.col.department'), key: 'department', render: (_, r) => deptName(r.department, i18n.language) || '—' },
    { title: t('workOrders.col.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
    // The 督办 flag under the deadline it is about (a column of its own fell off a 1366-pixel screen).
    {
      title: t('workOrders.col.deadline'),
      key: 'deadline',
      render: (_, r) => <DeadlineCell order={r} />,
    },
  ];
}

/** Keyset-paged loading of GET /work-orders for a query; `more()` fetches the next page with the cursor. */
export function useOrderPages(query: Query, pageSize = PAGE) {
  const key = JSON.stringify(query);
  const [items, setItems] = useState<WorkOrderListItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const gen = ++generation.current;
      setLoading(true);
      try {
        const page = await workOrdersApi.list({ ...(JSON.parse(key) as object), limit: pageSize, cursor: after ?? undefined });
        if (gen !== generation.current) return;
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        if (gen === generation.current) setError(errorMessage(e));
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [key, pageSize],
  );
  useEffect(() => void fetchPage(null), [fetchPage]);
  return { items, cursor, loading, error, more: () => void fetchPage(cursor), reload: () => void fetchPage(null) };
}

const FLAG_OPTIONS = ['any', 'true', 'false'] as const;

export function WorkOrderListPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const query = useMemo(() => filtersToQuery(filters), [filters]);
  const pages = useOrderPages(query);
  const columns = useOrderColumns();
  const sortableColumns = columns.map((c) => {
    const key = c.key ?? ('dataIndex' in c ? c.dataIndex : undefined);
    if (key === 'status') return { ...c, key: 'status', sorter: true, sortDirections: ['ascend' as const], sortOrder: filters.sort === 'status' ? ('ascend' as const) : null };
    if (key === 'deadline') return { ...c, sorter: true, sortDirections: ['ascend' as const], sortOrder: filters.sort === 'due' ? ('ascend' as const) : null };
    return c;
  });
  const categories = useCategories();
  const departments = useDepartments();
  const districts = useDistricts();
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);

  const set = (patch: Partial<ListFilters>) => setParams(filtersToParams({ ...filters, ...patch }));
  // Export exactly these filters (the server applies the viewer's scope and masks reporters).
  const { me } = useAuth();
  const { message } = App.useApp();
  const canExport = me?.permissions.includes('work_order.export') ?? false;
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);
  const exportList = async (format: 'csv' | 'xlsx') => {
    setExporting(format);
    try {
      const { sort: _sort, ...rest } = query;
      const r = await downloadOrders({ ...rest, format }, format);
      void message.success(t(r.truncated ? 'workOrders.list.export.truncated' : 'workOrders.list.export.done', { rows: r.rows ?? 0, file: r.filename }));
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setExporting(null);
    }
  };
  const catTree = useMemo(() => categoryTree(categories.items, i18n.language), [categories.items, i18n.language]);
  const deptTree = useMemo(() => departmentTree(departments.items ?? [], i18n.language), [departments.items, i18n.language]);
  const flag = (k: 'overdue' | 'supervised' | 'warned' | 'open' | 'extensionPending') => (
    <Form.Item label={t(`workOrders.filter.${k}`)} htmlFor={`wo-filter-${k}`}>
      <Select
        id={`wo-filter-${k}`}
        value={filters[k] === undefined ? 'any' : String(filters[k])}
        onChange={(v: string) => set({ [k]: v === 'any' ? undefined : v === 'true' })}
        options={FLAG_OPTIONS.map((o) => ({ value: o, label: t(`workOrders.filter.flag.${o}`) }))}
        data-testid={`filter-${k}`}
      />
    </Form.Item>
  );
  const multi = (k: 'status' | 'channel' | 'requestType' | 'urgency', values: readonly string[], labelNs: string) => (
    <Form.Item label={t(`workOrders.col.${k}`)} htmlFor={`wo-filter-${k}`}>
      <Select
        id={`wo-filter-${k}`}
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        value={filters[k]}
        onChange={(v: string[]) => set({ [k]: v })}
        options={values.map((v) => ({ value: v, label: t(`workOrders.${labelNs}.${v}`) }))}
        placeholder={t('workOrders.filter.all')}
        data-testid={`filter-${k}`}
      />
    </Form.Item>
  );

  return (
    <div data-testid="work-order-list">
      <Typography.Title level={2}>{t('workOrders.list.title')}</Typography.Title>
      <Card size="small" className="wo-filters" style={{ marginBottom: 12 }}>
        <form
          role="search"
          aria-label={t('workOrders.list.search')}
          onSubmit={(e) => {
            e.preventDefault();
            set({ q: q.trim() || undefined });
          }}
          style={{ marginBottom: 12 }}
        >
          <Space.Compact style={{ width: '100%', maxWidth: 640 }}>
            <Input
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder={t('workOrders.list.searchPlaceholder')}
              aria-label={t('workOrders.list.search')}
              allowClear
              maxLength={200}
              data-testid="list-search"
            />
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="list-search-submit">
              {t('workOrders.list.search')}
            </Button>
          </Space.Compact>
        </form>
        <Form layout="vertical" component="div">
          <Row gutter={12}>
            <Col xs={24} sm={12} lg={6}>
              {multi('status', STATUSES, 'status')}
            </Col>
            <Col xs={24} sm={12} lg={6}>
              {multi('channel', CHANNELS, 'channel')}
            </Col>
            <Col xs={24} sm={12} lg={6}>
              {multi('requestType', REQUEST_TYPES, 'requestType')}
            </Col>
            <Col xs={24} sm={12} lg={6}>
              {multi('urgency', URGENCIES, 'urgency')}
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label={t('workOrders.col.category')} htmlFor="wo-filter-category">
                <TreeSelect
                  id="wo-filter-category"
                  allowClear
                  showSearch={{ treeNodeFilterProp: 'title' }}
                  treeData={catTree}
                  value={filters.category}
                  onChange={(v?: string) => set({ category: v || undefined })}
                  placeholder={t('workOrders.filter.all')}
                  data-testid="filter-category"
                />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label={t('workOrders.col.department')} htmlFor="wo-filter-department">
                <TreeSelect
                  id="wo-filter-department"
                  allowClear
                  showSearch={{ treeNodeFilterProp: 'title' }}
                  treeData={deptTree}
                  value={filters.departmentId}
                  onChange={(v?: string) => set({ departmentId: v || undefined })}
                  placeholder={t('workOrders.filter.all')}
                  data-testid="filter-department"
                />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label={t('workOrders.filter.district')} htmlFor="wo-filter-district">
                <Select
                  id="wo-filter-district"
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  value={filters.district}
                  onChange={(v?: string) => set({ district: v || undefined })}
                  options={districts.map((d) => ({ value: d.code, label: districtName(d.code, districts, i18n.language) }))}
                  placeholder={t('workOrders.filter.all')}
                  data-testid="filter-district"
                />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label={t('workOrders.filter.grid')} htmlFor="wo-filter-grid" extra={t('workOrders.filter.gridHint')}>
                <Input
                  id="wo-filter-grid"
                  defaultValue={filters.grid}
                  key={filters.grid ?? ''}
                  inputMode="numeric"
                  maxLength={14}
                  onPressEnter={(e) => set({ grid: /^\d{6,14}$/.test(e.currentTarget.value) ? e.currentTarget.value : undefined })}
                  onBlur={(e) => set({ grid: /^\d{6,14}$/.test(e.currentTarget.value) ? e.currentTarget.value : undefined })}
                  data-testid="filter-grid"
                />
              </Form.Item>
            </Col>
            <Col xs={12} sm={6} lg={3}>
              <Form.Item label={t('workOrders.filter.from')} htmlFor="wo-filter-from">
                <DayPicker id="wo-filter-from" value={filters.from} onChange={(from) => set({ from })} disabledDate={daysUntil(filters.to)} style={{ width: '100%' }} data-testid="filter-from" />
              </Form.Item>
            </Col>
            <Col xs={12} sm={6} lg={3}>
              <Form.Item label={t('workOrders.filter.to')} htmlFor="wo-filter-to">
                <DayPicker id="wo-filter-to" value={filters.to} onChange={(to) => set({ to })} disabledDate={daysFrom(filters.from)} style={{ width: '100%' }} data-testid="filter-to" />
              </Form.Item>
            </Col>
            {(['closedFrom', 'closedTo'] as const).map((k) => (
              <Col xs={12} sm={6} lg={3} key={k}>
                <Form.Item label={t(`workOrders.filter.${k}`)} htmlFor={`wo-filter-${k}`}>
                  <DayPicker
                    id={`wo-filter-${k}`}
                    value={filters[k]}
                    onChange={(day) => set({ [k]: day })}
                    disabledDate={k === 'closedFrom' ? daysUntil(filters.closedTo) : daysFrom(filters.closedFrom)}
                    style={{ width: '100%' }}
                    data-testid={`filter-${k}`}
                  />
                </Form.Item>
              </Col>
            ))}
            <Col xs={12} sm={6} lg={3}>
              {flag('overdue')}
            </Col>
            <Col xs={12} sm={6} lg={3}>
              {flag('supervised')}
            </Col>
            <Col xs={12} sm={6} lg={3}>
              {flag('warned')}
            </Col>
            <Col xs={12} sm={6} lg={3}>
              {flag('open')}
            </Col>
            <Col xs={12} sm={6} lg={3}>
              {flag('extensionPending')}
            </Col>
            <Col xs={12} sm={6} lg={3}>
              <Form.Item label={t('workOrders.filter.sort')} htmlFor="wo-filter-sort">
                <Select
                  id="wo-filter-sort"
                  value={filters.sort}
                  onChange={(v: ListSort) => set({ sort: v })}
                  options={[
                    { value: 'created', label: t('workOrders.filter.sortCreated') },
                    { value: 'due', label: t('workOrders.filter.sortDue') },
                    { value: 'status', label: t('workOrders.filter.sortStatus') },
                  ]}
                  data-testid="filter-sort"
                />
              </Form.Item>
            </Col>
          </Row>
          <Space wrap>
            <Button onClick={() => setParams(new URLSearchParams())} data-testid="filter-reset">
              {t('workOrders.filter.reset')}
            </Button>
            {canExport &&
              (['csv', 'xlsx'] as const).map((format) => (
                <Button key={format} icon={<DownloadOutlined />} loading={exporting === format} onClick={() => void exportList(format)} data-testid={`list-export-${format}`}>
                  {t(`workOrders.list.export.${format}`)}
                </Button>
              ))}
          </Space>
        </Form>
      </Card>
      {pages.error && <Alert type="error" showIcon title={pages.error} style={{ marginBottom: 12 }} />}
      <Table
        rowKey="id"
        size="small"
        columns={sortableColumns}
        dataSource={pages.items}
        onChange={(_p, _f, sorter) => {
          // Column sorting is the server's keyset sort: status or deadline; clearing it goes back to newest first.
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          const sort: ListSort = s?.order ? (s.columnKey === 'deadline' ? 'due' : s.columnKey === 'status' ? 'status' : 'created') : 'created';
          if (sort !== filters.sort) set({ sort });
        }}
        loading={pages.loading}
        pagination={false}
        scroll={{ x: 1080 }}
        data-testid="work-order-table"
        onRow={(r) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a,button') && navigate(`/work-orders/${r.id}`), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <span className="wo-empty">{t('workOrders.list.empty')}</span> }}
      />
      <div style={{ marginTop: 12, textAlign: 'center' }}>
        {pages.cursor ? (
          <Button onClick={pages.more} loading={pages.loading} data-testid="load-more">
            {t('workOrders.list.more')}
          </Button>
        ) : (
          pages.items.length > 0 && (
            <Typography.Text type="secondary" data-testid="list-end">
              {t('workOrders.list.end', { n: pages.items.length })}
            </Typography.Text>
          )
        )}
      </div>
    </div>
  );
}
