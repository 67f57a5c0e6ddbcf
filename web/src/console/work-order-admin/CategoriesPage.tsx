/**
 * 分类管理 (work_order_category.manage, administrators): the jurisdiction's work-order category tree with search;
 * for the chosen category: rename (zh/en), move up/down among its siblings, add a child, deactivate (offering to
 * take the active categories below along when the server refuses with 409) or reactivate, delete an unused one;
 * "add the standard categories" fills in what the standard set has and this city lacks. The server's refusals are
 * shown as it words them.
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Popconfirm, Row, Select, Space, Spin, Tag, Tree, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../shared/api';
import { CATEGORY_KINDS, type CategoryKind, type CategoryView } from '@civicgrid/contracts/categories';
import { categoriesAdminApi } from './api';
import { buildCategoryTree, categoryName, childCode, CODE_SEGMENT, moveAmongSiblings, searchCategoryTree, type CategoryTreeNode } from './model';
import './wo-admin.css';

interface TreeItem {
  key: string;
  title: ReactNode;
  children: TreeItem[];
}

interface AddForm {
  segment: string;
  kind?: CategoryKind;
  nameZh: string;
  nameEn?: string;
  componentSubclass?: string;
}

export function CategoriesPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const [items, setItems] = useState<CategoryView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [adding, setAdding] = useState<{ parent: CategoryView | null } | null>(null);
  const [addForm] = Form.useForm<AddForm>();
  const [nameForm] = Form.useForm<{ nameZh: string; nameEn?: string }>();
  const lang = i18n.language;

  const load = useCallback(async () => {
    try {
      setItems(await categoriesAdminApi.list());
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const byCode = useMemo(() => new Map((items ?? []).map((c) => [c.code, c])), [items]);
  const current = selected ? byCode.get(selected) ?? null : null;
  const fullTree = useMemo(() => buildCategoryTree(items ?? []), [items]);
  const found = useMemo(() => searchCategoryTree(fullTree, query), [fullTree, query]);

  useEffect(() => {
    if (current) nameForm.setFieldsValue({ nameZh: current.nameZh, nameEn: current.nameEn ?? '' });
    setRefusal(null);
  }, [current, nameForm]);

  const treeData = useMemo(() => {
    const toData = (nodes: CategoryTreeNode[]): TreeItem[] =>
      nodes.map((n) => ({
        key: n.key,
        title: (
          <span className={n.category.active ? undefined : 'wo-admin-inactive'} data-testid={`category-${n.key}`}>
            {categoryName(n.category, lang)} <span className="wo-admin-code">{n.key}</span>
            {!n.category.active && <Tag className="wo-admin-tag">{t('woAdmin.category.inactive')}</Tag>}
            {n.category.source === 'local' && <Tag className="wo-admin-tag">{t('woAdmin.category.local')}</Tag>}
          </span>
        ),
        children: toData(n.children),
      }));
    return toData(found.tree);
  }, [found.tree, lang, t]);

  /** Runs a change; the server's refusal is kept beside the form (and flashed), success reloads the tree. */
  const run = async (fn: () => Promise<string | null>): Promise<boolean> => {
    setBusy(true);
    setRefusal(null);
    try {
      const done = await fn();
      if (done) void message.success(done);
      await load();
      return true;
    } catch (e) {
      setRefusal(errorMessage(e));
      void message.error(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const rename = (v: { nameZh: string; nameEn?: string }) =>
    current && void run(async () => {
      await categoriesAdminApi.update(current.code, { nameZh: v.nameZh.trim(), nameEn: v.nameEn?.trim() ? v.nameEn.trim() : null });
      return t('woAdmin.category.saved');
    });

  const move = (direction: -1 | 1) =>
    current && void run(async () => {
      for (const change of moveAmongSiblings(items ?? [], current.code, direction)) await categoriesAdminApi.update(change.code, { sortOrder: change.sortOrder });
      return null;
    });

  const deactivate = async (includeChildren: boolean) => {
    if (!current) return;
    setBusy(true);
    setRefusal(null);
    try {
      const r = await categoriesAdminApi.update(current.code, { active: false, ...(includeChildren ? { includeChildren: true } : {}) });
      void message.success(t('woAdmin.category.deactivated', { n: r.changed.length }));
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'work_order_category.has_active_children') {
        modal.confirm({
          title: t('woAdmin.category.deactivateTree'),
          content: e.message,
          okText: t('woAdmin.category.deactivateAll'),
          cancelText: t('common.cancel'),
          onOk: () => deactivate(true),
        });
      } else {
        setRefusal(errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const reactivate = () =>
    current && void run(async () => {
      await categoriesAdminApi.update(current.code, { active: true });
      return t('woAdmin.category.reactivated');
    });

  const remove = () =>
    current && void run(async () => {
      await categoriesAdminApi.remove(current.code);
      setSelected(current.parentCode);
      return t('woAdmin.category.deleted', { code: current.code });
    });

  const addStandard = () =>
    void run(async () => {
      const added = await categoriesAdminApi.addStandard();
      return t('woAdmin.category.standardAdded', { n: added });
    });

  const openAdd = (parent: CategoryView | null) => {
    addForm.resetFields();
    setRefusal(null);
    setAdding({ parent });
  };

  const submitAdd = async (v: AddForm) => {
    const parent = adding?.parent ?? null;
    const code = childCode(parent?.code ?? null, v.segment);
    const kind = parent ? parent.kind : v.kind;
    const ok = await run(async () => {
      await categoriesAdminApi.create({
        code,
        nameZh: v.nameZh.trim(),
        nameEn: v.nameEn?.trim() ? v.nameEn.trim() : null,
        ...(parent ? {} : { kind }),
        ...(kind === 'component' && v.componentSubclass?.trim() ? { componentSubclass: v.componentSubclass.trim() } : {}),
      });
      return t('woAdmin.category.added', { code });
    });
    if (ok) {
      setAdding(null);
      setSelected(code);
      if (parent) setExpanded((x) => [...new Set([...x, parent.code])]);
    }
  };

  const addKind = Form.useWatch('kind', addForm);
  const addingKind = adding?.parent?.kind ?? addKind;
  const siblingsMove = current ? { up: moveAmongSiblings(items ?? [], current.code, -1).length > 0, down: moveAmongSiblings(items ?? [], current.code, 1).length > 0 } : { up: false, down: false };

  return (
    <div className="wo-admin" data-testid="categories-page">
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('woAdmin.category.title')}
      </Typography.Title>
      {loadError && <Alert type="error" showIcon title={loadError} style={{ marginBottom: 12 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={11}>
          <Card
            size="small"
            title={<Typography.Title level={2} className="wo-admin-card-title">{t('woAdmin.category.tree')}</Typography.Title>}
            extra={
              <Space size={4} wrap>
                <Button size="small" icon={<PlusOutlined />} onClick={() => openAdd(null)} data-testid="category-add-root">
                  {t('woAdmin.category.addRoot')}
                </Button>
                <Popconfirm title={t('woAdmin.category.standardConfirm')} onConfirm={addStandard} okText={t('woAdmin.confirm')} cancelText={t('common.cancel')}>
                  <Button size="small" loading={busy} data-testid="category-add-standard">
                    {t('woAdmin.category.addStandard')}
                  </Button>
                </Popconfirm>
              </Space>
            }
          >
            <Input
              prefix={<SearchOutlined aria-hidden />}
              allowClear
              placeholder={t('woAdmin.category.searchPlaceholder')}
              aria-label={t('woAdmin.category.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              data-testid="category-search"
              style={{ marginBottom: 8 }}
            />
            {query.trim() && (
              <Typography.Text type="secondary" data-testid="category-matches">
                {t('woAdmin.category.matches', { n: found.matches })}
              </Typography.Text>
            )}
            {!items && !loadError ? (
              <Spin aria-label={t('common.loading')} />
            ) : treeData.length === 0 ? (
              <Empty description={query.trim() ? t('woAdmin.category.noMatch') : t('woAdmin.category.empty')} />
            ) : (
              <div className="wo-admin-tree">
                <Tree
                  treeData={treeData}
                  selectedKeys={selected ? [selected] : []}
                  expandedKeys={query.trim() ? found.expanded : expanded}
                  onExpand={(keys) => !query.trim() && setExpanded(keys.map(String))}
                  onSelect={(keys) => keys.length > 0 && setSelected(String(keys[0]))}
                  blockNode
                  aria-label={t('woAdmin.category.tree')}
                  data-testid="category-tree"
                />
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={13}>
          <Card size="small" title={<Typography.Title level={2} className="wo-admin-card-title">{current ? categoryName(current, lang) : t('woAdmin.category.details')}</Typography.Title>} data-testid="category-details">
            {!current ? (
              <Empty description={t('woAdmin.category.pick')} />
            ) : (
              <>
                <Descriptions size="small" column={2} bordered>
                  <Descriptions.Item label={t('woAdmin.category.code')}>
                    <span data-testid="category-code">{current.code}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('woAdmin.category.kind')}>{t(`woAdmin.kind.${current.kind}`)}</Descriptions.Item>
                  <Descriptions.Item label={t('woAdmin.category.source')}>{t(`woAdmin.source.${current.source}`)}</Descriptions.Item>
                  <Descriptions.Item label={t('woAdmin.category.state')}>
                    <span data-testid="category-state">{current.active ? t('woAdmin.category.active') : t('woAdmin.category.inactive')}</span>
                  </Descriptions.Item>
                  {current.componentSubclass && <Descriptions.Item label={t('woAdmin.category.subclass')}>{current.componentSubclass}</Descriptions.Item>}
                  <Descriptions.Item label={t('woAdmin.category.parent')}>{current.parentCode ? `${categoryName(byCode.get(current.parentCode) ?? current, lang)} (${current.parentCode})` : '—'}</Descriptions.Item>
                </Descriptions>

                {refusal && <Alert type="error" showIcon title={refusal} style={{ marginTop: 12 }} data-testid="category-refusal" />}

                <Typography.Title level={3} className="wo-admin-section">
                  {t('woAdmin.category.rename')}
                </Typography.Title>
                <Form form={nameForm} layout="vertical" onFinish={rename} disabled={busy}>
                  <Row gutter={12}>
                    <Col xs={24} sm={12}>
                      <Form.Item name="nameZh" label={t('woAdmin.category.nameZh')} rules={[{ required: true, whitespace: true, message: t('woAdmin.category.nameRequired') }, { max: 100 }]}>
                        <Input data-testid="category-name-zh" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={12}>
                      <Form.Item name="nameEn" label={t('woAdmin.category.nameEn')} rules={[{ max: 100 }]}>
                        <Input data-testid="category-name-en" />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Button htmlType="submit" type="primary" data-testid="category-save">
                    {t('woAdmin.category.save')}
                  </Button>
                </Form>

                <Typography.Title level={3} className="wo-admin-section">
                  {t('woAdmin.category.actions')}
                </Typography.Title>
                <Space wrap>
                  <Button icon={<PlusOutlined />} onClick={() => openAdd(current)} disabled={busy || !current.active} data-testid="category-add-child">
                    {t('woAdmin.category.addChild')}
                  </Button>
                  <Button icon={<ArrowUpOutlined />} onClick={() => move(-1)} disabled={busy || !siblingsMove.up} data-testid="category-up">
                    {t('woAdmin.category.up')}
                  </Button>
                  <Button icon={<ArrowDownOutlined />} onClick={() => move(1)} disabled={busy || !siblingsMove.down} data-testid="category-down">
                    {t('woAdmin.category.down')}
                  </Button>
                  {current.active ? (
                    <Button onClick={() => void deactivate(false)} disabled={busy} data-testid="category-deactivate">
                      {t('woAdmin.category.deactivate')}
                    </Button>
                  ) : (
                    <Button onClick={reactivate} disabled={busy} data-testid="category-reactivate">
                      {t('woAdmin.category.reactivate')}
                    </Button>
                  )}
                  <Popconfirm title={t('woAdmin.category.deleteConfirm', { code: current.code })} onConfirm={remove} okText={t('woAdmin.confirm')} cancelText={t('common.cancel')}>
                    <Button danger icon={<DeleteOutlined />} disabled={busy} data-testid="category-delete">
                      {t('woAdmin.category.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              </>
            )}
          </Card>
        </Col>
      </Row>

      <Modal
        open={adding !== null}
        title={adding?.parent ? t('woAdmin.category.addChildOf', { name: categoryName(adding.parent, lang) }) : t('woAdmin.category.addRoot')}
        onCancel={() => setAdding(null)}
        onOk={() => addForm.submit()}
        okText={t('woAdmin.category.add')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        data-testid="category-add-dialog"
      >
        {refusal && <Alert type="error" showIcon title={refusal} style={{ marginBottom: 12 }} />}
        <Form form={addForm} layout="vertical" onFinish={(v) => void submitAdd(v)}>
          <Form.Item
            name="segment"
            label={t('woAdmin.category.segment')}
            extra={t('woAdmin.category.segmentHint', { code: childCode(adding?.parent?.code ?? null, '…') })}
            rules={[
              { required: true, message: t('woAdmin.category.segmentRequired') },
              { pattern: CODE_SEGMENT, message: t('woAdmin.category.segmentInvalid') },
            ]}
          >
            <Input prefix={adding?.parent ? <span className="wo-admin-code">{`${adding.parent.code}.`}</span> : undefined} data-testid="category-segment" />
          </Form.Item>
          {!adding?.parent && (
            <Form.Item name="kind" label={t('woAdmin.category.kind')} rules={[{ required: true, message: t('woAdmin.category.kindRequired') }]}>
              <Select options={CATEGORY_KINDS.map((k) => ({ value: k, label: t(`woAdmin.kind.${k}`) }))} data-testid="category-kind" />
            </Form.Item>
          )}
          <Form.Item name="nameZh" label={t('woAdmin.category.nameZh')} rules={[{ required: true, whitespace: true, message: t('woAdmin.category.nameRequired') }, { max: 100 }]}>
            <Input data-testid="category-new-name-zh" />
          </Form.Item>
          <Form.Item name="nameEn" label={t('woAdmin.category.nameEn')} rules={[{ max: 100 }]}>
            <Input data-testid="category-new-name-en" />
          </Form.Item>
          {addingKind === 'component' && (
            <Form.Item name="componentSubclass" label={t('woAdmin.category.subclass')} rules={[{ pattern: /^[0-9]{4}$/, message: t('woAdmin.category.subclassInvalid') }]}>
              <Input inputMode="numeric" maxLength={4} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}
