/**
 * 清单化定责 (responsibility_rule.manage, administrators): the responsibility list — rules "these conditions →
 * this department" with priority and fallback — filtered by department, category subtree, district and state;
 * create, edit and delete them; and a preview: for a category and a district / grid code / component subclass,
 * which department the rules suggest, by which rule, and which rules tie with it.
 */
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, type Query } from '../../shared/api';
import { departmentName, departmentTree, useDepartments } from '../departments';
import { districtName, useDistricts } from '../work-orders/parts';
import type { ResponsibilityPreview, ResponsibilityRuleView, SuggestionCandidate } from '@civicgrid/contracts/categories';
import { rulesApi } from './api';
import { useAdminCategories, useCategoryOptions } from './category-options';
import { ruleBody, ruleForm, tiedWithBest, type RuleForm } from './model';
import './wo-admin.css';

interface Filters {
  departmentId?: string;
  categoryPrefix?: string;
  districtCode?: string;
  active?: 'true' | 'false';
}

interface PreviewForm {
  categoryCode?: string;
  districtCode?: string;
  gridCode?: string;
  componentSubclass?: string;
}

export function RulesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const lang = i18n.language;
  const [filters, setFilters] = useState<Filters>({});
  const [rules, setRules] = useState<ResponsibilityRuleView[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<ResponsibilityRuleView | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [preview, setPreview] = useState<ResponsibilityPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [form] = Form.useForm<RuleForm>();
  const [previewForm] = Form.useForm<PreviewForm>();
  const departments = useDepartments();
  const districts = useDistricts();
  const categories = useAdminCategories();

  const deptTree = useMemo(() => departmentTree((departments.items ?? []).filter((d) => d.active), lang), [departments.items, lang]);
  const { options: categoryOptions, text: categoryCodeText } = useCategoryOptions(categories);
  const districtOptions = useMemo(() => districts.map((d) => ({ value: d.code, label: `${lang === 'en' && d.nameEn ? d.nameEn : d.nameZh} (${d.code})` })), [districts, lang]);

  const categoryText = (code: string | null) => {
    if (!code) return t('woAdmin.rule.any');
    return categoryCodeText(code);
  };
  const districtText = (code: string | null) => (code ? `${districtName(code, districts, lang)}${districtName(code, districts, lang) === code ? '' : ` (${code})`}` : t('woAdmin.rule.any'));
  const deptText = (d: ResponsibilityRuleView['department']) => (lang === 'en' && d.nameEn ? d.nameEn : d.nameZh);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const q: Query = { ...filters };
      setRules(await rulesApi.list(q));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [filters]);
  useEffect(() => void load(), [load]);

  const openForm = (rule: ResponsibilityRuleView | 'new') => {
    setFormError(null);
    form.resetFields();
    form.setFieldsValue(rule === 'new' ? { priority: 0, fallback: false, active: true } : ruleForm(rule));
    setEditing(rule);
  };

  const save = async (v: RuleForm) => {
    setSaving(true);
    setFormError(null);
    try {
      const body = ruleBody(v);
      if (editing === 'new') await rulesApi.create(body);
      else if (editing) await rulesApi.update(editing.id, body);
      void message.success(editing === 'new' ? t('woAdmin.rule.created') : t('woAdmin.rule.saved'));
      setEditing(null);
      await load();
    } catch (e) {
      setFormError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (rule: ResponsibilityRuleView) => {
    try {
      await rulesApi.remove(rule.id);
      void message.success(t('woAdmin.rule.deleted'));
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const runPreview = async (v: PreviewForm) => {
    setPreviewing(true);
    setPreviewError(null);
    try {
      setPreview(
        await rulesApi.preview({
          categoryCode: v.categoryCode || null,
          districtCode: v.districtCode || null,
          gridCode: v.gridCode?.trim() || null,
          componentSubclass: v.componentSubclass?.trim() || null,
        }),
      );
    } catch (e) {
      setPreview(null);
      setPreviewError(errorMessage(e));
    } finally {
      setPreviewing(false);
    }
  };

  const conditions = (c: Pick<SuggestionCandidate, 'categoryPrefix' | 'districtCode' | 'gridPrefix' | 'componentClassPrefix'>) =>
    [
      c.categoryPrefix && t('woAdmin.kv', { k: t('woAdmin.rule.category'), v: categoryText(c.categoryPrefix) }),
      c.districtCode && t('woAdmin.kv', { k: t('woAdmin.rule.district'), v: districtText(c.districtCode) }),
      c.gridPrefix && t('woAdmin.kv', { k: t('woAdmin.rule.gridPrefix'), v: c.gridPrefix }),
      c.componentClassPrefix && t('woAdmin.kv', { k: t('woAdmin.rule.componentClass'), v: c.componentClassPrefix }),
    ]
      .filter(Boolean)
      .join(t('woAdmin.sep')) || t('woAdmin.rule.anyOrder');

  const columns: ColumnsType<ResponsibilityRuleView> = [
    { title: t('woAdmin.rule.category'), dataIndex: 'categoryPrefix', render: (c: string | null) => categoryText(c) },
    { title: t('woAdmin.rule.district'), dataIndex: 'districtCode', render: (c: string | null) => districtText(c) },
    { title: t('woAdmin.rule.gridPrefix'), dataIndex: 'gridPrefix', render: (c: string | null) => c ?? t('woAdmin.rule.any') },
    { title: t('woAdmin.rule.componentClass'), dataIndex: 'componentClassPrefix', render: (c: string | null) => c ?? t('woAdmin.rule.any') },
    { title: t('woAdmin.rule.department'), key: 'department', render: (_, r) => (
      <span>
        {deptText(r.department)}
        {!r.department.active && <Tag className="wo-admin-tag">{t('woAdmin.rule.departmentInactive')}</Tag>}
      </span>
    ) },
    { title: t('woAdmin.rule.priority'), dataIndex: 'priority', align: 'right', sorter: (a, b) => a.priority - b.priority },
    { title: t('woAdmin.rule.fallback'), dataIndex: 'fallback', render: (f: boolean) => (f ? <Tag className="wo-admin-tag-fallback">{t('woAdmin.rule.fallbackTag')}</Tag> : '—') },
    { title: t('woAdmin.rule.active'), dataIndex: 'active', render: (a: boolean) => (a ? t('woAdmin.rule.yes') : <Tag className="wo-admin-tag">{t('woAdmin.rule.off')}</Tag>) },
    { title: t('woAdmin.rule.note'), dataIndex: 'note', ellipsis: true, render: (n: string | null) => n ?? '' },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, r) => (
        <Space size={4}>
          <Button size="small" icon={<EditOutlined />} onClick={() => openForm(r)} aria-label={t('woAdmin.rule.editOne', { dept: deptText(r.department) })} data-testid="rule-edit" />
          <Popconfirm title={t('woAdmin.rule.deleteConfirm')} onConfirm={() => void remove(r)} okText={t('woAdmin.confirm')} cancelText={t('common.cancel')}>
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('woAdmin.rule.deleteOne', { dept: deptText(r.department) })} data-testid="rule-delete" />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  const suggestion = preview?.suggestion ?? null;
  const tied = suggestion ? tiedWithBest(suggestion.candidates) : new Set<string>();

  return (
    <div className="wo-admin" data-testid="rules-page">
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('woAdmin.rule.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('woAdmin.rule.intro')}</Typography.Paragraph>

      <Card size="small" style={{ marginBottom: 12 }}>
        <Form layout="inline" onValuesChange={(_, all: Filters) => setFilters(Object.fromEntries(Object.entries(all).filter(([, v]) => v)) as Filters)} className="wo-admin-filters">
          <Form.Item name="departmentId" label={t('woAdmin.rule.department')}>
            <TreeSelect allowClear showSearch={{ treeNodeFilterProp: 'title' }} treeData={deptTree} style={{ width: 220 }} data-testid="rule-filter-department" />
          </Form.Item>
          <Form.Item name="categoryPrefix" label={t('woAdmin.rule.category')}>
            <TreeSelect allowClear showSearch={{ treeNodeFilterProp: 'title' }} treeData={categoryOptions} style={{ width: 240 }} data-testid="rule-filter-category" />
          </Form.Item>
          <Form.Item name="districtCode" label={t('woAdmin.rule.district')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={districtOptions} style={{ width: 180 }} data-testid="rule-filter-district" />
          </Form.Item>
          <Form.Item name="active" label={t('woAdmin.rule.active')}>
            <Select allowClear options={[{ value: 'true', label: t('woAdmin.rule.onlyActive') }, { value: 'false', label: t('woAdmin.rule.onlyInactive') }]} style={{ width: 140 }} />
          </Form.Item>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => openForm('new')} data-testid="rule-new">
            {t('woAdmin.rule.new')}
          </Button>
        </Form>
      </Card>

      {loadError && <Alert type="error" showIcon title={loadError} style={{ marginBottom: 12 }} />}
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={rules ?? []}
        columns={columns}
        pagination={{ pageSize: 15, showSizeChanger: false }}
        data-testid="rules-table"
        locale={{ emptyText: t('woAdmin.rule.empty') }}
        scroll={{ x: 1100 }}
      />

      <Card size="small" style={{ marginTop: 16 }} title={<Typography.Title level={2} className="wo-admin-card-title">{t('woAdmin.preview.title')}</Typography.Title>} data-testid="rule-preview">
        <Form form={previewForm} layout="vertical" onFinish={(v) => void runPreview(v)}>
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item name="categoryCode" label={t('woAdmin.preview.category')}>
                <TreeSelect allowClear showSearch={{ treeNodeFilterProp: 'title' }} treeData={categoryOptions} data-testid="preview-category" />
              </Form.Item>
            </Col>
            <Col xs={24} md={5}>
              <Form.Item name="districtCode" label={t('woAdmin.rule.district')}>
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={districtOptions} data-testid="preview-district" />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="gridCode" label={t('woAdmin.preview.grid')} rules={[{ pattern: /^[0-9]{14}$/, message: t('woAdmin.preview.gridInvalid') }]}>
                <Input inputMode="numeric" maxLength={14} data-testid="preview-grid" />
              </Form.Item>
            </Col>
            <Col xs={24} md={5}>
              <Form.Item name="componentSubclass" label={t('woAdmin.preview.subclass')} rules={[{ pattern: /^[0-9]{4}$/, message: t('woAdmin.preview.subclassInvalid') }]}>
                <Input inputMode="numeric" maxLength={4} />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" loading={previewing} data-testid="preview-run">
            {t('woAdmin.preview.run')}
          </Button>
        </Form>
        {previewError && <Alert type="error" showIcon title={previewError} style={{ marginTop: 12 }} />}
        {preview && (
          <div style={{ marginTop: 12 }} data-testid="preview-result">
            {!suggestion ? (
              <Empty description={t('woAdmin.preview.none')} />
            ) : (
              <>
                <Descriptions size="small" bordered column={1}>
                  <Descriptions.Item label={t('woAdmin.preview.department')}>
                    <Space wrap>
                      <Typography.Text strong data-testid="preview-department">
                        {departmentName({ nameZh: suggestion.departmentName, nameEn: suggestion.departmentNameEn }, lang)}
                      </Typography.Text>
                      {suggestion.unique ? <Tag className="wo-admin-tag-ok">{t('woAdmin.preview.unique')}</Tag> : <Tag className="wo-admin-tag-warn" data-testid="preview-tie">{t('woAdmin.preview.tie')}</Tag>}
                      {suggestion.fallback && <Tag className="wo-admin-tag-fallback">{t('woAdmin.rule.fallbackTag')}</Tag>}
                    </Space>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('woAdmin.preview.rule')}>{conditions(suggestion.candidates.find((c) => c.ruleId === suggestion.ruleId) ?? suggestion.candidates[0]!)}</Descriptions.Item>
                  <Descriptions.Item label={t('woAdmin.preview.facts')}>
                    {[
                      preview.facts.categoryCode && categoryText(preview.facts.categoryCode),
                      preview.facts.districtCode && districtText(preview.facts.districtCode),
                      preview.facts.gridCode,
                      preview.facts.componentSubclass,
                    ]
                      .filter(Boolean)
                      .join(t('woAdmin.sep')) || '—'}
                  </Descriptions.Item>
                </Descriptions>
                {!suggestion.unique && <Alert type="warning" showIcon title={t('woAdmin.preview.tieHint')} style={{ marginTop: 8 }} />}
                <Typography.Title level={3} className="wo-admin-section">
                  {t('woAdmin.preview.candidates', { n: suggestion.candidates.length })}
                </Typography.Title>
                <Table
                  size="small"
                  rowKey="ruleId"
                  pagination={false}
                  dataSource={suggestion.candidates}
                  data-testid="preview-candidates"
                  rowClassName={(c) => (c.ruleId === suggestion.ruleId ? 'wo-admin-best' : '')}
                  columns={[
                    { title: '#', key: 'n', width: 48, render: (_, __, i) => i + 1 },
                    { title: t('woAdmin.rule.department'), key: 'department', render: (_, c) => departmentName({ nameZh: c.departmentName, nameEn: c.departmentNameEn }, lang) },
                    { title: t('woAdmin.preview.conditions'), key: 'conditions', render: (_, c) => conditions(c) },
                    { title: t('woAdmin.rule.priority'), dataIndex: 'priority', align: 'right' },
                    {
                      title: t('woAdmin.preview.standing'),
                      key: 'standing',
                      render: (_, c) => (
                        <Space size={4} wrap>
                          {c.ruleId === suggestion.ruleId && <Tag className="wo-admin-tag-ok">{t('woAdmin.preview.chosen')}</Tag>}
                          {tied.has(c.ruleId) && tied.size > 1 && <Tag className="wo-admin-tag-warn">{t('woAdmin.preview.tied')}</Tag>}
                          {c.fallback && <Tag className="wo-admin-tag-fallback">{t('woAdmin.rule.fallbackTag')}</Tag>}
                        </Space>
                      ),
                    },
                  ]}
                />
              </>
            )}
          </div>
        )}
      </Card>

      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('woAdmin.rule.new') : t('woAdmin.rule.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={saving}
        destroyOnHidden
        width={640}
        data-testid="rule-dialog"
      >
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} data-testid="rule-form-error" />}
        <Typography.Paragraph type="secondary">{t('woAdmin.rule.formHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item name="categoryPrefix" label={t('woAdmin.rule.category')}>
            <TreeSelect allowClear showSearch={{ treeNodeFilterProp: 'title' }} treeData={categoryOptions} placeholder={t('woAdmin.rule.any')} data-testid="rule-category" />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} sm={8}>
              <Form.Item name="districtCode" label={t('woAdmin.rule.district')}>
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={districtOptions} placeholder={t('woAdmin.rule.any')} data-testid="rule-district" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={8}>
              <Form.Item name="gridPrefix" label={t('woAdmin.rule.gridPrefix')} rules={[{ pattern: /^[0-9]{1,14}$/, message: t('woAdmin.rule.gridPrefixInvalid') }]}>
                <Input inputMode="numeric" maxLength={14} placeholder={t('woAdmin.rule.any')} data-testid="rule-grid" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={8}>
              <Form.Item name="componentClassPrefix" label={t('woAdmin.rule.componentClass')} rules={[{ pattern: /^[0-9]{1,4}$/, message: t('woAdmin.rule.componentClassInvalid') }]}>
                <Input inputMode="numeric" maxLength={4} placeholder={t('woAdmin.rule.any')} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="departmentId" label={t('woAdmin.rule.department')} rules={[{ required: true, message: t('woAdmin.rule.departmentRequired') }]}>
            <TreeSelect showSearch={{ treeNodeFilterProp: 'title' }} treeData={deptTree} treeDefaultExpandAll data-testid="rule-department" />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} sm={8}>
              <Form.Item name="priority" label={t('woAdmin.rule.priority')} extra={t('woAdmin.rule.priorityHint')}>
                <InputNumber min={-1_000_000} max={1_000_000} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={8}>
              <Form.Item name="fallback" label={t('woAdmin.rule.fallback')} valuePropName="checked" extra={t('woAdmin.rule.fallbackHint')}>
                <Switch />
              </Form.Item>
            </Col>
            <Col xs={12} sm={8}>
              <Form.Item name="active" label={t('woAdmin.rule.active')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="note" label={t('woAdmin.rule.note')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} data-testid="rule-note" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
