/**
 * The lifecycle actions of one order: a button for each action the server allows this viewer now
 * (`allowedActions`), each with the form it needs. The order's version goes with every action; on a 409 (someone
 * else acted first) that is said and the caller reloads the order. An error while a form is open is
 * shown in the form (which stays open with what was typed); otherwise above the buttons, or — in a queue, whose row
 * may move to another tab or leave the list when it reloads — as a message that outlives the row.
 */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Form, Input, InputNumber, Modal, Radio, Select, Space, TreeSelect, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../shared/api';
import { departmentTree, useDepartments } from '../departments';
import { RATINGS, type ActionType, type WorkOrderDetail, type WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import { uploadPhoto, workOrdersApi } from './api';
import { actionForm, buildAction, dispatchPreselect, needsForm, photoProblem, type ActionValues } from './model';
import { suggestedName, suggestFor } from './suggest';
import { federationApi } from '../federation/api';

const DANGER: readonly ActionType[] = ['reject', 'cancel', 'return', 'verify_fail', 'deny_extension'];
const PRIMARY: readonly ActionType[] = ['dispatch', 'sign', 'start', 'report', 'verify_pass', 'close', 'approve_extension'];

/** What the actions need of an order: a list row will do (the dispatch form's suggestion reads the description and the timeline when there are). */
export type ActionTarget = Pick<WorkOrderDetail, 'id' | 'code' | 'version' | 'allowedActions' | 'title' | 'categoryCode' | 'location' | 'gridCode' | 'districtCode'> & {
  description?: string;
  /** With it (a detail), the dispatch form does not pre-select a department that returned the order. */
  timeline?: WorkOrderDetail['timeline'];
};

export interface ActionBarProps {
  order: ActionTarget;
  /** Show only these (in this order of preference); default every allowed action. */
  only?: readonly ActionType[];
  /** Called with the order after a successful action, or with null when it must be reloaded (409). */
  onChanged: (order: WorkOrderDetail | null) => void;
  size?: 'small' | 'middle';
  /** Where an error outside a form is shown: above the buttons (default), or as a message (queues). */
  errors?: 'inline' | 'message';
}

export function ActionBar({ order, only, onChanged, size = 'middle', errors = 'inline' }: ActionBarProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState<ActionType | null>(null);
  const [busy, setBusy] = useState<ActionType | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const allowed = (order.allowedActions as ActionType[]).filter((a) => !only || only.includes(a));

  const show = (text: string) => (errors === 'message' ? void message.error({ content: text, duration: 8 }) : setError(text));

  const run = async (type: ActionType, values: ActionValues, fromForm = false): Promise<boolean> => {
    setBusy(type);
    setError(null);
    setFormError(null);
    try {
      const updated = await workOrdersApi.act(order.id, order.version, buildAction(type, values));
      message.success(t(`workOrders.actions.done.${type}`));
      onChanged(updated);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // The order moved on: say so and load what it is now (the form, if any, closes). A stale version is said in
        // the console's words (the server's ask API clients to reload, which this screen has just done); an action
        // the lifecycle refuses keeps the server's message, which lists what is allowed.
        show(e.code === 'work_order.version_conflict' ? t('workOrders.actions.reloaded') : errorMessage(e));
        onChanged(null);
        return true;
      }
      // Anything else leaves the order as it was: a form stays open and says what went wrong.
      if (fromForm) setFormError(errorMessage(e));
      else show(errorMessage(e));
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
      {open && (
        <ActionModal
          order={order}
          type={open}
          error={formError}
          onCancel={() => (setOpen(null), setFormError(null))}
          onSubmit={async (v) => (await run(open, v, true)) && setOpen(null)}
        />
      )}
    </div>
  );
}

function ActionModal({ order, type, error, onCancel, onSubmit }: { order: ActionTarget; type: ActionType; error: string | null; onCancel: () => void; onSubmit: (v: ActionValues) => Promise<unknown> }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm();
  const spec = actionForm(type);
  const [submitting, setSubmitting] = useState(false);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [hint, setHint] = useState<string | null>(null);
  const [duplicates, setDuplicates] = useState<WorkOrderSummary[]>([]);
  // Set when the form was sent while a photo was still uploading (said under the photos until they are done).
  const [waitingForPhotos, setWaitingForPhotos] = useState(false);
  const departments = useDepartments();
  const tree = useMemo(() => departmentTree((departments.items ?? []).filter((d) => d.active), i18n.language), [departments.items, i18n.language]);

  // Dispatch: pre-select the department the responsibility list suggests.
  useEffect(() => {
    if (!spec.department) return;
    let live = true;
    void suggestFor(order).then((s) => {
      if (!live || !s.department) return;
      const pick = dispatchPreselect(s.department, order.timeline);
      if (pick.departmentId && !form.getFieldValue('departmentId')) form.setFieldValue('departmentId', pick.departmentId);
      setHint(t(`workOrders.dispatch.${pick.hint}`, { name: suggestedName(s.department, i18n.language) }));
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

  const uploading = files.some((f) => f.status === 'uploading');
  const failed = files.filter((f) => f.status === 'error');
  useEffect(() => {
    if (!uploading) setWaitingForPhotos(false);
  }, [uploading]);

  // Set while a send is under way: a second Enter (or a click) must not send the action again on the same version.
  const sending = useRef(false);
  const submit = async () => {
    if (sending.current) return;
    const v = (await form.validateFields()) as ActionValues;
    // A photo still uploading, or one that failed, would be left out without a word: say so and send nothing.
    if (uploading) {
      setWaitingForPhotos(true);
      return;
    }
    if (failed.length > 0 || sending.current) return;
    sending.current = true;
    setSubmitting(true);
    try {
      await onSubmit({ ...v, photos: files.filter((f) => f.status === 'done' && f.response?.id).map((f) => f.response.id as string) });
    } finally {
      sending.current = false;
      setSubmitting(false);
    }
  };

  // The first field has the focus when the dialog opens (else the close button has it, and Enter closed the dialog).
  const first = spec.department ? 'department' : spec.parent ? 'parent' : spec.peer ? 'peer' : spec.days ? 'days' : spec.rating ? 'rating' : 'text';
  // Enter sends the form from a one-line field, Ctrl+Enter (⌘+Enter) from the text box, where Enter starts a new line;
  // never while an input method is composing (Enter there picks the characters), nor in a select, which uses Enter itself.
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key !== 'Enter' || e.nativeEvent.isComposing || e.shiftKey || e.altKey) return;
    const target = e.target as HTMLElement;
    const sends =
      target instanceof HTMLTextAreaElement ? e.ctrlKey || e.metaKey : target instanceof HTMLInputElement && target.getAttribute('role') !== 'combobox' && ['text', 'number'].includes(target.type);
    if (!sends) return;
    e.preventDefault();
    void submit().catch(() => undefined);
  };
  const photoFailure = (name: string, err: unknown) => {
    const p = photoProblem(err);
    return t(`workOrders.form.${p.key}`, { name, limitMb: p.limitMb, reason: err instanceof ApiError ? errorMessage(err) : t('errors.unknown') });
  };
  const photoHelp =
    failed.length > 0 ? (
      <div data-testid="photo-problem">
        {failed.map((f) => (
          <div key={f.uid}>{photoFailure(f.name, f.error)}</div>
        ))}
      </div>
    ) : waitingForPhotos ? (
      <span data-testid="photo-problem">{t('workOrders.form.photosUploading')}</span>
    ) : undefined;

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
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="action-form-error" role="alert" />}
      <Form form={form} layout="vertical" data-testid={`action-form-${type}`} initialValues={{ days: 3 }} onKeyDown={onKeyDown}>
        {spec.department && (
          <Form.Item name="departmentId" label={t('workOrders.form.department')} rules={[{ required: true, message: t('workOrders.form.required') }]} extra={hint}>
            <TreeSelect
              treeData={tree}
              showSearch={{ treeNodeFilterProp: 'title' }}
              treeDefaultExpandAll
              loading={departments.items === null}
              autoFocus={first === 'department'}
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
              autoFocus={first === 'parent'}
              options={duplicates.map((d) => ({ value: d.id, label: `${d.code} · ${d.title}` }))}
              notFoundContent={t('workOrders.duplicates.none')}
            />
          </Form.Item>
        )}
        {spec.peer && (
          <Form.Item name="peerId" label={t('workOrders.form.peer')} rules={[{ required: true, message: t('workOrders.form.required') }]} extra={t('workOrders.form.peerHint')}>
            <Select
              aria-label={t('workOrders.form.peer')}
              autoFocus={first === 'peer'}
              loading={peers === null}
              options={(peers ?? []).map((p) => ({ value: p.id, label: p.name }))}
              notFoundContent={t('workOrders.form.noPeers')}
              data-testid="transfer-peer"
            />
          </Form.Item>
        )}
        {spec.days && (
          <Form.Item name="days" label={t('workOrders.form.days')} rules={[{ required: true, message: t('workOrders.form.required') }]}>
            <InputNumber min={1} max={30} precision={0} aria-label={t('workOrders.form.days')} autoFocus={first === 'days'} />
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
            extra={t('workOrders.form.submitKeys')}
          >
            <Input.TextArea rows={3} maxLength={2000} aria-label={textLabel} data-testid="action-text" autoFocus={first === 'text'} />
          </Form.Item>
        )}
        {spec.photos && (
          <Form.Item label={t('workOrders.form.photos')} extra={t('workOrders.form.photosHint')} validateStatus={photoHelp ? 'error' : undefined} help={photoHelp}>
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
                  // The ApiError itself, so that the message can say what to do for its reason (see photoProblem).
                  (e: unknown) => onError?.(e instanceof Error ? e : new Error(errorMessage(e))),
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
