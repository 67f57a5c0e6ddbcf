/**
 * The department tree: browse, add a child, rename, move under another parent (drag and drop or the form),
 * deactivate/activate — through the org module (/api/v1/departments).
 */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Form, Input, Modal, Row, Select, Space, Tag, Tree, TreeSelect, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { useAuth } from '../auth';
import { departmentTree } from '../departments';
import { DEPARTMENT_KINDS, type DepartmentView as Department } from '@civicgrid/contracts/org';

const CODE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const DIVISION = /^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/;

export function DepartmentsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const manage = can('department.manage');
  const [includeInactive, setIncludeInactive] = useState(false);
  const [items, setItems] = useState<Department[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'create' | 'rename' | 'move' | null>(null);
  const [form] = Form.useForm();

  const load = useCallback(async () => {
    try {
      setItems((await api.get<{ items: Department[] }>('/api/v1/departments', { includeInactive: String(includeInactive) })).items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [includeInactive]);
  useEffect(() => void load(), [load]);

  const tree = useMemo(() => departmentTree(items ?? [], i18n.language), [items, i18n.language]);
  const selected = items?.find((d) => d.id === selectedId) ?? null;

  const run = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      void message.success(done);
      setDialog(null);
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  const move = (id: string, parentId: string | null) =>
    run(() => api.post(`/api/v1/departments/${id}/move`, { parentId }), t('departments.moved'));

  const submit = (v: Record<string, string | undefined>) => {
    if (dialog === 'create') {
      void run(
        () =>
          api.post('/api/v1/departments', {
            parentId: v.parentId ?? null,
            code: v.code!.trim(),
            kind: v.kind,
            nameZh: v.nameZh!.trim(),
            nameEn: v.nameEn!.trim(),
            ...(v.divisionCode ? { divisionCode: v.divisionCode.trim() } : {}),
          }),
        t('departments.created'),
      );
    } else if (dialog === 'rename' && selected) {
      void run(() => api.patch(`/api/v1/departments/${selected.id}`, { nameZh: v.nameZh!.trim(), nameEn: v.nameEn!.trim() }), t('departments.renamed'));
    } else if (dialog === 'move' && selected) {
      void move(selected.id, v.parentId ?? null);
    }
  };

  const open = (d: 'create' | 'rename' | 'move') => {
    form.resetFields();
    if (d === 'create') form.setFieldsValue({ parentId: selected?.id, kind: 'unit' });
    if (d === 'rename' && selected) form.setFieldsValue({ nameZh: selected.nameZh, nameEn: selected.nameEn });
    if (d === 'move' && selected) form.setFieldsValue({ parentId: selected.parentId ?? undefined });
    setDialog(d);
  };

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
          {t('departments.title')}
        </Typography.Title>
        <Space>
          <Checkbox checked={includeInactive} onChange={(e) => setIncludeInactive(e.target.checked)}>
            {t('departments.showInactive')}
          </Checkbox>
          {manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('create')}>
              {selected ? t('departments.addChild') : t('departments.add')}
            </Button>
          )}
        </Space>
      </Space>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card>
            {items && items.length === 0 && <Empty />}
            {tree.length > 0 && (
              <Tree
                showLine
                blockNode
                defaultExpandedKeys={tree.map((n) => n.key)}
                treeData={tree.map(function strip(n): { key: string; title: React.ReactNode; children?: ReturnType<typeof strip>[] } {
                  return {
                    key: n.key,
                    title: (
                      <span>
                        {n.title} <Typography.Text type="secondary">{n.department.code}</Typography.Text>
                        {!n.department.active && <Tag style={{ marginLeft: 6 }}>{t('departments.inactive')}</Tag>}
                      </span>
                    ),
                    children: n.children?.map(strip),
                  };
                })}
                selectedKeys={selectedId ? [selectedId] : []}
                onSelect={(keys) => setSelectedId((keys[0] as string | undefined) ?? null)}
                draggable={manage ? { icon: false } : false}
                onDrop={(info) => {
                  const dragId = String(info.dragNode.key);
                  const target = items?.find((d) => d.id === String(info.node.key));
                  // Dropped onto a node → becomes its child; dropped between nodes → sibling of the target.
                  const parentId = info.dropToGap ? (target?.parentId ?? null) : (target?.id ?? null);
                  if (dragId !== parentId) void move(dragId, parentId);
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('departments.details')}>
            {!selected && <Typography.Text type="secondary">{t('departments.selectHint')}</Typography.Text>}
            {selected && (
              <>
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('departments.nameZh')}>{selected.nameZh}</Descriptions.Item>
                  <Descriptions.Item label={t('departments.nameEn')}>{selected.nameEn}</Descriptions.Item>
                  <Descriptions.Item label={t('departments.code')}>{selected.code}</Descriptions.Item>
                  <Descriptions.Item label={t('departments.kind')}>{t(`departmentKinds.${selected.kind}`)}</Descriptions.Item>
                  <Descriptions.Item label={t('departments.divisionCode')}>{selected.divisionCode ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('common.status')}>
                    {selected.active ? t('departments.active') : t('departments.inactive')}
                  </Descriptions.Item>
                </Descriptions>
                {manage && (
                  <Space wrap style={{ marginTop: 12 }}>
                    <Button onClick={() => open('rename')}>{t('departments.rename')}</Button>
                    <Button onClick={() => open('move')}>{t('departments.move')}</Button>
                    {selected.active ? (
                      <Button danger onClick={() => void run(() => api.post(`/api/v1/departments/${selected.id}/deactivate`), t('departments.deactivated'))}>
                        {t('departments.deactivate')}
                      </Button>
                    ) : (
                      <Button onClick={() => void run(() => api.post(`/api/v1/departments/${selected.id}/activate`), t('departments.activated'))}>
                        {t('departments.activate')}
                      </Button>
                    )}
                  </Space>
                )}
              </>
            )}
          </Card>
        </Col>
      </Row>
      <Modal
        open={dialog !== null}
        title={dialog === 'create' ? t('departments.add') : dialog === 'rename' ? t('departments.rename') : t('departments.move')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit}>
          {(dialog === 'create' || dialog === 'move') && (
            <Form.Item name="parentId" label={t('departments.parent')} extra={dialog === 'move' ? t('departments.moveHint') : undefined}>
              <TreeSelect allowClear treeData={tree} showSearch treeNodeFilterProp="title" />
            </Form.Item>
          )}
          {dialog === 'create' && (
            <>
              <Form.Item name="code" label={t('departments.code')} rules={[{ required: true, message: t('departments.codeRequired') }, { pattern: CODE, message: t('departments.codeInvalid') }]}>
                <Input />
              </Form.Item>
              <Form.Item name="kind" label={t('departments.kind')} rules={[{ required: true }]}>
                <Select options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: t(`departmentKinds.${k}`) }))} />
              </Form.Item>
              <Form.Item name="divisionCode" label={t('departments.divisionCode')} rules={[{ pattern: DIVISION, message: t('departments.divisionCodeInvalid') }]}>
                <Input inputMode="numeric" />
              </Form.Item>
            </>
          )}
          {(dialog === 'create' || dialog === 'rename') && (
            <>
              <Form.Item name="nameZh" label={t('departments.nameZh')} rules={[{ required: true, whitespace: true, message: t('departments.nameRequired') }, { max: 100 }]}>
                <Input />
              </Form.Item>
              <Form.Item name="nameEn" label={t('departments.nameEn')} rules={[{ required: true, whitespace: true, message: t('departments.nameRequired') }, { max: 100 }]}>
                <Input />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </>
  );
}
