/**
 * 单元网格管理 (grid.manage): the grid layer on the map, the hierarchy district → street → community → grid,
 * search by code or name, a grid's detail (place, area, responsible inspectors and departments — editable), and
 * the layer import: a dry run's report first, then the import with a progress bar.
 */
import { ImportOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Drawer, Empty, Input, Row, Select, Space, Spin, Table, Tree, TreeSelect, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../auth';
import { departmentName, departmentsApi, departmentTree } from '../departments';
import type { DepartmentView as Department } from '@civicgrid/contracts/org';
import { gridsApi, type Box, type GridDetail, type GridListItem } from './api';
import { GridImportDialog } from './GridImportDialog';
import { formatArea } from './model';

const GridMap = lazy(() => import('./GridMap'));

function InspectorPicker({ value, onChange, initial }: { value: string[]; onChange: (ids: string[]) => void; initial: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const search = useCallback(
    (q?: string) => {
      setLoading(true);
      gridsApi
        .inspectors(q)
        .then((users) => {
          const found = users.map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }));
          const known = new Set(found.map((o) => o.value));
          setOptions([...found, ...initial.filter((p) => !known.has(p.id)).map((p) => ({ value: p.id, label: p.name }))]);
        })
        .catch(() => undefined)
        .finally(() => setLoading(false));
    },
    [initial],
  );
  useEffect(() => search(), [search]);
  return (
    <Select
      mode="multiple"
      showSearch
      filterOption={false}
      onSearch={(q) => search(q)}
      loading={loading}
      options={options}
      value={value}
      onChange={onChange}
      style={{ width: '100%' }}
      placeholder={t('grids.detail.pickInspectors')}
      aria-label={t('grids.detail.inspectors')}
      data-testid="grid-inspectors"
    />
  );
}

function GridDrawer({ code, departments, canManage, onClose, onLoaded }: { code: string | null; departments: Department[]; canManage: boolean; onClose: () => void; onLoaded: (g: GridDetail) => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [detail, setDetail] = useState<GridDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [inspectorIds, setInspectorIds] = useState<string[]>([]);
  const [departmentIds, setDepartmentIds] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const show = useCallback(
    (g: GridDetail) => {
      setDetail(g);
      setInspectorIds(g.inspectors.map((p) => p.id));
      setDepartmentIds(g.departments.map((d) => d.id));
      onLoaded(g);
    },
    [onLoaded],
  );
  useEffect(() => {
    setDetail(null);
    setError(null);
    if (!code) return;
    gridsApi.detail(code).then(show, (e: unknown) => setError(errorMessage(e)));
  }, [code, show]);
  const deptTree = useMemo(() => departmentTree(departments.filter((d) => d.active), i18n.language), [departments, i18n.language]);
  const dirty =
    detail !== null &&
    (inspectorIds.join() !== detail.inspectors.map((p) => p.id).join() || departmentIds.join() !== detail.departments.map((d) => d.id).join());
  const save = async () => {
    if (!detail) return;
    setSaving(true);
    try {
      show(await gridsApi.setResponsible(detail.code, { inspectorIds, departmentIds }));
      void message.success(t('grids.detail.saved'));
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };
  const deptName = (x: { id: string; name: string }) => {
    const d = departments.find((y) => y.id === x.id);
    return d ? departmentName(d, i18n.language) : x.name;
  };
  const unit = (u: { code: string; name: string | null }) => (u.name ? `${u.name} (${u.code})` : u.code);
  return (
    <Drawer open={code !== null} onClose={onClose} width={520} title={t('grids.detail.title', { code: code ?? '' })} data-testid="grid-drawer">
      {error && <Alert type="error" message={error} />}
      {!detail && !error && <Spin aria-label={t('common.loading')} />}
      {detail && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('grids.field.code')}>
              <span data-testid="grid-code">{detail.code}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('grids.field.name')}>{detail.name}</Descriptions.Item>
            <Descriptions.Item label={t('grids.field.community')}>{unit(detail.community)}</Descriptions.Item>
            <Descriptions.Item label={t('grids.field.street')}>{unit(detail.street)}</Descriptions.Item>
            <Descriptions.Item label={t('grids.field.district')}>{unit(detail.district)}</Descriptions.Item>
            <Descriptions.Item label={t('grids.field.area')}>
              <span data-testid="grid-area">{formatArea(detail.areaM2, i18n.language)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('grids.detail.inspectors')}>
              <span data-testid="grid-inspector-names">{detail.inspectors.map((p) => p.name).join(i18n.language === 'en' ? ', ' : '、') || t('grids.none')}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('grids.detail.departments')}>
              <span data-testid="grid-department-names">{detail.departments.map((d) => deptName(d)).join(i18n.language === 'en' ? ', ' : '、') || t('grids.none')}</span>
            </Descriptions.Item>
          </Descriptions>
          {canManage && (
            <Card size="small" title={t('grids.detail.edit')}>
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Typography.Text strong>{t('grids.detail.inspectors')}</Typography.Text>
                <InspectorPicker value={inspectorIds} onChange={setInspectorIds} initial={detail.inspectors} />
                <Typography.Text strong>{t('grids.detail.departments')}</Typography.Text>
                <TreeSelect
                  multiple
                  showSearch={{ treeNodeFilterProp: 'title' }}
                  treeData={deptTree}
                  value={departmentIds}
                  onChange={(v: string[]) => setDepartmentIds(v)}
                  style={{ width: '100%' }}
                  placeholder={t('grids.detail.pickDepartments')}
                  aria-label={t('grids.detail.departments')}
                  data-testid="grid-departments"
                />
                <Button type="primary" onClick={() => void save()} loading={saving} disabled={!dirty} data-testid="grid-save">
                  {t('grids.detail.save')}
                </Button>
              </Space>
            </Card>
          )}
        </Space>
      )}
    </Drawer>
  );
}

interface HierarchyNode extends TreeDataNode {
  key: string;
  children?: HierarchyNode[];
}

function withChildren(nodes: HierarchyNode[], key: string, children: HierarchyNode[]): HierarchyNode[] {
  return nodes.map((n) => (n.key === key ? { ...n, children } : n.children ? { ...n, children: withChildren(n.children, key, children) } : n));
}

function Hierarchy({ onUnit, onGrid }: { onUnit: (code: string, title: string) => void; onGrid: (code: string) => void }) {
  const { t } = useTranslation();
  const [tree, setTree] = useState<HierarchyNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const unitNode = (u: { code: string; name: string; grids: number; level: string }): HierarchyNode => ({ key: u.code, title: t('grids.tree.unit', { name: u.name, n: u.grids }), isLeaf: false });
  useEffect(() => {
    gridsApi.units().then((units) => setTree(units.map(unitNode)), (e: unknown) => setError(errorMessage(e)));
  }, []);
  const load = async (node: HierarchyNode) => {
    const code = node.key;
    let children: HierarchyNode[];
    if (code.length < 12) children = (await gridsApi.units(code)).map(unitNode);
    else children = (await gridsApi.list({ prefix: code, limit: 100 })).items.map((g) => ({ key: g.code, title: `${g.name} ${g.code.slice(12)}`, isLeaf: true }));
    setTree((prev) => (prev ? withChildren(prev, code, children) : prev));
  };
  if (error) return <Alert type="error" message={error} />;
  if (!tree) return <Spin aria-label={t('common.loading')} />;
  if (tree.length === 0) return <Empty description={t('grids.empty')} />;
  return (
    <nav aria-label={t('grids.tree.label')}>
      <Tree<HierarchyNode>
        treeData={tree}
        loadData={load}
        height={480}
        blockNode
        data-testid="grid-tree"
        onSelect={(_keys, info) => {
          const key = info.node.key;
          if (key.length === 14) onGrid(key);
          else onUnit(key, String(info.node.title));
        }}
      />
    </nav>
  );
}

function GridList({ query, onOpen }: { query: { q?: string; prefix?: string }; onOpen: (code: string) => void }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<GridListItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const fetchPage = useCallback(
    async (after?: string) => {
      setLoading(true);
      try {
        const r = await gridsApi.list({ ...query, after, limit: 50 });
        setItems((prev) => (after && prev ? [...prev, ...r.items] : r.items));
        setNext(r.next);
        setError(null);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [query],
  );
  useEffect(() => {
    setItems(null);
    void fetchPage();
  }, [fetchPage]);
  if (error) return <Alert type="error" message={error} />;
  return (
    <>
      <Table
        size="small"
        rowKey="code"
        data-testid="grid-table"
        loading={loading && items === null}
        dataSource={items ?? []}
        pagination={false}
        scroll={{ y: 360 }}
        locale={{ emptyText: <Typography.Text>{t('grids.list.empty')}</Typography.Text> }}
        columns={[
          {
            title: t('grids.field.code'),
            dataIndex: 'code',
            width: 170,
            render: (v: string) => (
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(v)}>
                {v}
              </Button>
            ),
          },
          { title: t('grids.field.name'), dataIndex: 'name' },
          { title: t('grids.field.community'), dataIndex: 'communityCode', width: 140 },
        ]}
      />
      {next && (
        <Button style={{ marginTop: 8 }} onClick={() => void fetchPage(next)} loading={loading} data-testid="grid-more">
          {t('grids.list.more')}
        </Button>
      )}
    </>
  );
}

export function GridsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can('grid.manage');
  const [departments, setDepartments] = useState<Department[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [focus, setFocus] = useState<Box | null>(null);
  const [query, setQuery] = useState<{ q?: string; prefix?: string }>({});
  const [scopeTitle, setScopeTitle] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    departmentsApi.list().then(setDepartments, () => undefined);
  }, []);
  const onLoaded = useCallback((g: GridDetail) => setFocus(g.bbox), []);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('grids.nav')}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <Input.Search
            allowClear
            style={{ width: 320 }}
            placeholder={t('grids.search.placeholder')}
            aria-label={t('grids.search.label')}
            enterButton={t('grids.search.button')}
            onSearch={(v) => {
              const q = v.trim();
              setScopeTitle(null);
              setQuery(q ? { q } : {});
            }}
            data-testid="grid-search"
          />
          {canManage && (
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="grid-import-open">
              {t('grids.import.open')}
            </Button>
          )}
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={7}>
          <Card size="small" title={t('grids.tree.title')}>
            <Hierarchy
              key={version}
              onUnit={(code, title) => {
                setScopeTitle(title);
                setQuery({ prefix: code });
              }}
              onGrid={setSelected}
            />
          </Card>
        </Col>
        <Col xs={24} lg={17}>
          <Card size="small">
            <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
              <GridMap key={version} label={t('grids.map.label')} selected={selected} focus={focus} onSelect={setSelected} />
            </Suspense>
          </Card>
        </Col>
      </Row>
      <Card size="small" title={scopeTitle ? t('grids.list.under', { unit: scopeTitle }) : query.q ? t('grids.list.search', { q: query.q }) : t('grids.list.title')}>
        <GridList key={version} query={query} onOpen={setSelected} />
      </Card>
      <GridDrawer code={selected} departments={departments} canManage={canManage} onClose={() => setSelected(null)} onLoaded={onLoaded} />
      {canManage && <GridImportDialog open={importing} onClose={() => setImporting(false)} onImported={() => setVersion((v) => v + 1)} />}
    </Space>
  );
}
