/**
 * The lifecycle actions of one order: a button for each action the server allows this viewer now
 * (`allowedActions`), each with the form it needs. The order's version goes with every action; on a 409 (someone
 * else acted first) the server's message is shown and the caller reloads the order.
 */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Form, Input, InputNumber, Modal, Radio, Select, Space, TreeSelect, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../shared/api';
import { departmentTree, useDepartments } from '../departments';
import { RATINGS, uploadPhoto, workOrdersApi, type ActionType, type WorkOrderDetail, type WorkOrderSummary } from './api';
import { actionForm, buildAction, needsForm, type ActionValues } from './model';
import { suggestedName, suggestFor } from './suggest';
import { federationApi } from '../federation/api';

const DANGER: readonly ActionType[] = ['reject', 'cancel', 'return', 'verify_fail', 'deny_extension'];
const PRIMARY: readonly ActionType[] = ['dispatch', 'sign', 'start', 'report', 'verify_pass', 'close', 'approve_extension'];

/** What the actions need of an order: a list row will do (the dispatch form's suggestion reads the description when there is one). */
export type ActionTarget = Pick<WorkOrderDetail, 'id' | 'code' | 'version' | 'allowedActions' | 'title' | 'categoryCode' | 'location' | 'gridCode' | 'districtCode'> & { description?: string };

export interface ActionBarProps {
  order: ActionTarget;
  /** Show only these (in this order of preference); default every allowed action. */
  only?: readonly ActionType[];
  /** Called with the order after a successful action, or with null when it must be reloaded (409). */
  onChanged: (order: WorkOrderDetail | null) => void;
  size?: 'small' | 'middle';
}

export function ActionBar({ order, only, onChanged, size = 'middle' }: ActionBarProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState<ActionType | null>(null);
  const [busy, setBusy] = useState<ActionType | null>(null);
  const [error, setError] = useState<string | null>(null);
  const allowed = (order.allowedActions as ActionType[]).filter((a) => !only || only.includes(a));

  const run = async (type: ActionType, values: ActionValues): Promise<boolean> => {
    setBusy(type);
    setError(null);
    try {
      const updated = await workOrdersApi.act(order.id, order.version, buildAction(type, values));
      message.success(t('workOrders.actions.done', { action: t(`workOrders.action.${type}`) }));
      onChanged(updated);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      if (e instanceof ApiError && e.status === 409) {
        // The order moved on: show what the server said and load what it is now.
        onChanged(null);
        return true;
      }
      return false;
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid={`actions-${order.code}`}>
      {error && <Alert type="error" showIcon closable onClose={() => setError(null)} title={error} style={{ marginBottom: 8 }} data-testid="action-error" role="alert" />}
      {allowed.length === 0 ? (
        <Typography.Text type="secondary">{t('workOrders.actions.none')}</Typography.Text>
      ) : (
        <Space wrap size={[6, 6]}>
          {allowed.map((type) => (
            <Button
              key={type}
              size={size}
              type={PRIMARY.includes(type) ? 'primary' : 'default'}
              danger={DANGER.includes(type)}
              loading={busy === type}
              disabled={busy !== null && busy !== type}
              data-testid={`action-${type}`}
              onClick={() => (needsForm(type) ? setOpen(type) : void run(type, {}))}
            >
              {t(`workOrders.action.${type}`)}
            </Button>
          ))}
        </Space>
      )}
      {open && <ActionModal order={order} type={open} onCancel={() => setOpen(null)} onSubmit={async (v) => (await run(open, v)) && setOpen(null)} />}
    </div>
  );
}

function ActionModal({ order, type, onCancel, onSubmit }: { order: ActionTarget; type: ActionType; onCancel: () => void; onSubmit: (v: ActionValues) => Promise<unknown> }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm();
  const spec = actionForm(type);
  const [submitting, setSubmitting] = useState(false);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [hint, setHint] = useState<string | null>(null);
  const [duplicates, setDuplicates] = useState<WorkOrderSummary[]>([]);
  const departments = useDepartments();
  const tree = useMemo(() => departmentTree((departments.items ?? []).filter((d) => d.active), i18n.language), [departments.items, i18n.language]);

  // Dispatch: pre-select the department the responsibility list suggests.
  useEffect(() => {
    if (!spec.department) return;
    let live = true;
    void suggestFor(order).then((s) => {
      if (!live || !s.department) return;
      if (!form.getFieldValue('departmentId')) form.setFieldValue('departmentId', s.department.departmentId);
      setHint(t(s.department.unique ? 'workOrders.dispatch.suggested' : 'workOrders.dispatch.suggestedTie', { name: suggestedName(s.department, i18n.language) }));
    });
    return () => {
      live = false;
    };
  }, [spec.department, order, form, t]);

  const [peers, setPeers] = useState<{ id: string; name: string }[] | null>(null);
  useEffect(() => {
    if (!spec.peer) return;
    void federationApi.choices().then(setPeers, () => setPeers([]));
  }, [spec.peer]);

  useEffect(() => {
    if (!spec.parent) return;
    void workOrdersApi.duplicates(order.id).then(setDuplicates, () => setDuplicates([]));
  }, [spec.parent, order.id]);

  const submit = async () => {
    const v = (await form.validateFields()) as ActionValues;
    if (files.some((f) => f.status === 'uploading')) return;
    setSubmitting(true);
    try {
      await onSubmit({ ...v, photos: files.filter((f) => f.status === 'done' && f.response?.id).map((f) => f.response.id as string) });
    } finally {
      setSubmitting(false);
    }
  };

  const textLabel = spec.text ? t(`workOrders.form.${spec.text.field}`) : '';
  return (
    <Modal
      open
      title={`${t(`workOrders.action.${type}`)} · ${order.code}`}
      okText={t(`workOrders.action.${type}`)}
      cancelText={t('common.cancel')}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onCancel}
      confirmLoading={submitting}
      okButtonProps={{ 'data-testid': 'action-submit', danger: DANGER.includes(type) } as ButtonProps}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" data-testid={`action-form-${type}`} initialValues={{ days: 3 }}>
        {spec.department && (
          <Form.Item name="departmentId" label={t('workOrders.form.department')} rules={[{ required: true, message: t('workOrders.form.required') }]} extra={hint}>
            <TreeSelect
              treeData={tree}
              showSearch={{ treeNodeFilterProp: 'title' }}
              treeDefaultExpandAll
              loading={departments.items === null}
              placeholder={t('workOrders.form.department')}
              aria-label={t('workOrders.form.department')}
              data-testid="dispatch-department"
            />
          </Form.Item>
        )}
        {spec.parent && (
          <Form.Item name="parentId" label={t('workOrders.form.parent')} rules={[{ required: true, message: t('workOrders.form.required') }]}>
            <Select
              aria-label={t('workOrders.form.parent')}
              options={duplicates.map((d) => ({ value: d.id, label: `${d.code} · ${d.title}` }))}
              notFoundContent={t('workOrders.duplicates.none')}
            />
          </Form.Item>
        )}
        {spec.peer && (
          <Form.Item name="peerId" label={t('workOrders.form.peer')} rules={[{ required: true, message: t('workOrders.form.required') }]} extra={t('workOrders.form.peerHint')}>
            <Select
              aria-label={t('workOrders.form.peer')}
              loading={peers === null}
              options={(peers ?? []).map((p) => ({ value: p.id, label: p.name }))}
              notFoundContent={t('workOrders.form.noPeers')}
              data-testid="transfer-peer"
            />
          </Form.Item>
        )}
        {spec.days && (
          <Form.Item name="days" label={t('workOrders.form.days')} rules={[{ required: true, message: t('workOrders.form.required') }]}>
            <InputNumber min={1} max={30} precision={0} aria-label={t('workOrders.form.days')} />
          </Form.Item>
        )}
        {spec.rating && (
          <Form.Item name="rating" label={t('workOrders.form.rating')} rules={[{ required: true, message: t('workOrders.form.required') }]}>
            <Radio.Group aria-label={t('workOrders.form.rating')} options={RATINGS.map((r) => ({ value: r, label: t(`workOrders.rating.${r}`) }))} />
          </Form.Item>
        )}
        {spec.text && (
          <Form.Item
            name="text"
            label={textLabel}
            rules={spec.text.required ? [{ required: true, whitespace: true, message: t('workOrders.form.required') }] : []}
          >
            <Input.TextArea rows={3} maxLength={2000} aria-label={textLabel} data-testid="action-text" />
          </Form.Item>
        )}
        {spec.photos && (
          <Form.Item label={t('workOrders.form.photos')} extra={t('workOrders.form.photosHint')}>
            <Upload
              accept="image/jpeg,image/png,image/webp,image/heic"
              listType="picture"
              multiple
              maxCount={9}
              fileList={files}
              onChange={({ fileList }) => setFiles(fileList)}
              customRequest={({ file, onSuccess, onError }) => {
                uploadPhoto(file as Blob).then(
                  (r) => onSuccess?.(r),
                  (e: unknown) => onError?.(new Error(errorMessage(e))),
                );
              }}
            >
              <Button icon={<UploadOutlined />} data-testid="photo-upload">
                {t('workOrders.form.addPhoto')}
              </Button>
            </Upload>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
