/**
 * 跨域转办 (federation.peer.manage, administrators): the neighbouring jurisdictions' Open311 endpoints orders can be
 * transferred to — list, add, edit (the API key is write-only; empty keeps it), test the connection (their services,
 * to map our categories to) and poll now.
 */
import { ApiOutlined, EditOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Card, Form, Input, Modal, Radio, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ToneTag } from './tones';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import type { PeerView, RemoteServiceSummary } from '@civicgrid/contracts/federation';
import { federationApi, formatServiceMap, parseServiceMap } from './api';

interface PeerForm {
  name: string;
  baseUrl: string;
  remoteJurisdictionId?: string;
  apiKey?: string;
  format: 'json' | 'xml';
  serviceMap?: string;
  defaultServiceCode: string;
  sendPersonalData: boolean;
  active: boolean;
}

export function PeersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [peers, setPeers] = useState<PeerView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<PeerView | 'new' | null>(null);
  const [tested, setTested] = useState<{ peer: PeerView; ok: boolean; error: string | null; services: RemoteServiceSummary[] } | null>(null);

  const load = useCallback(() => {
    federationApi.peers().then(setPeers, (e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);

  const test = async (peer: PeerView) => {
    try {
      setTested({ peer, ...(await federationApi.test(peer.id)) });
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  const poll = async (peer: PeerView) => {
    try {
      await federationApi.poll(peer.id);
      message.success(t('federation.pollQueued', { name: peer.name }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const columns: ColumnsType<PeerView> = [
    { title: t('federation.field.name'), dataIndex: 'name', key: 'name' },
    { title: t('federation.field.baseUrl'), dataIndex: 'baseUrl', key: 'baseUrl', render: (u: string) => <Typography.Text code>{u}</Typography.Text> },
    { title: t('federation.field.defaultServiceCode'), dataIndex: 'defaultServiceCode', key: 'svc' },
    {
      title: t('federation.field.state'),
      key: 'state',
      render: (_, p) => (
        <Space size={4} wrap>
          <ToneTag tone={p.active ? 'green' : 'grey'}>{t(p.active ? 'federation.active' : 'federation.inactive')}</ToneTag>
          {p.sendPersonalData && <ToneTag tone="gold">{t('federation.personal')}</ToneTag>}
          {p.lastError && (
            <ToneTag tone="red" title={p.lastError}>
              {t('federation.lastError')}
            </ToneTag>
          )}
        </Space>
      ),
    },
    { title: t('time.inZone', { label: t('federation.field.lastPolledAt') }), dataIndex: 'lastPolledAt', key: 'polled', render: (v: string | null) => (v ? formatDateTime(v) : t('federation.never')) },
    {
      title: t('federation.field.actions'),
      key: 'actions',
      render: (_, p) => (
        <Space size={4} wrap>
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(p)} data-testid={`peer-edit-${p.name}`}>
            {t('federation.edit')}
          </Button>
          <Button size="small" icon={<ApiOutlined />} onClick={() => void test(p)} data-testid={`peer-test-${p.name}`}>
            {t('federation.test')}
          </Button>
          <Button size="small" icon={<SyncOutlined />} disabled={!p.active} onClick={() => void poll(p)}>
            {t('federation.poll')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('federation.title')}</h1>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="peer-add">
          {t('federation.add')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('federation.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
      <Table rowKey="id" columns={columns} dataSource={peers ?? []} loading={peers === null} pagination={false} locale={{ emptyText: <Typography.Text type="secondary">{t('federation.empty')}</Typography.Text> }} data-testid="peers-table" />
      {editing && (
        <PeerModal
          peer={editing === 'new' ? null : editing}
          onClose={(saved) => {
            setEditing(null);
            if (saved) load();
          }}
        />
      )}
      {tested && (
        <Modal open title={`${t('federation.test')} · ${tested.peer.name}`} footer={null} onCancel={() => setTested(null)} width={720}>
          {tested.ok ? (
            <>
              <Alert type="success" showIcon title={t('federation.testOk', { n: tested.services.length })} data-testid="peer-test-ok" />
              <Table
                size="small"
                rowKey="code"
                style={{ marginTop: 12 }}
                pagination={{ pageSize: 8 }}
                dataSource={tested.services}
                columns={[
                  { title: t('federation.service.code'), dataIndex: 'code', key: 'code' },
                  { title: t('federation.service.name'), dataIndex: 'name', key: 'name' },
                  { title: t('federation.service.group'), dataIndex: 'group', key: 'group' },
                ]}
              />
            </>
          ) : (
            <Alert type="error" showIcon title={t('federation.testFailed')} description={tested.error} data-testid="peer-test-failed" />
          )}
        </Modal>
      )}
    </Card>
  );
}

function PeerModal({ peer, onClose }: { peer: PeerView | null; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PeerForm>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const initial: Partial<PeerForm> = peer
    ? { ...peer, remoteJurisdictionId: peer.remoteJurisdictionId ?? '', defaultServiceCode: peer.defaultServiceCode ?? '', serviceMap: formatServiceMap(peer.serviceMap), apiKey: '' }
    : { format: 'json', sendPersonalData: false, active: true, serviceMap: '' };

  const save = async () => {
    const v = await form.validateFields();
    const serviceMap = parseServiceMap(v.serviceMap ?? '');
    if (!serviceMap) {
      form.setFields([{ name: 'serviceMap', errors: [t('federation.serviceMapInvalid')] }]);
      return;
    }
    const input = { name: v.name, baseUrl: v.baseUrl, remoteJurisdictionId: v.remoteJurisdictionId?.trim() || null, format: v.format, serviceMap, defaultServiceCode: v.defaultServiceCode, sendPersonalData: v.sendPersonalData, active: v.active, ...(v.apiKey ? { apiKey: v.apiKey } : {}) };
    setSaving(true);
    setError(null);
    try {
      if (peer) await federationApi.update(peer.id, peer.version, input);
      else await federationApi.create(input);
      onClose(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, whitespace: true, message: t('federation.required') }];
  return (
    <Modal open title={peer ? `${t('federation.edit')} · ${peer.name}` : t('federation.add')} okText={t('federation.save')} cancelText={t('common.cancel')} onOk={() => void save().catch(() => undefined)} onCancel={() => onClose(false)} confirmLoading={saving} destroyOnHidden width={640} okButtonProps={{ 'data-testid': 'peer-save' } as ButtonProps}>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} data-testid="peer-error" />}
      <Form form={form} layout="vertical" initialValues={initial} data-testid="peer-form">
        <Form.Item name="name" label={t('federation.field.name')} rules={required}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="baseUrl" label={t('federation.field.baseUrl')} rules={required} extra={t('federation.baseUrlHint')}>
          <Input maxLength={500} placeholder="https://311.example.gov/open311/v2" />
        </Form.Item>
        <Form.Item name="remoteJurisdictionId" label={t('federation.field.remoteJurisdictionId')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="apiKey" label={t('federation.field.apiKey')} rules={peer ? [] : required} extra={peer ? t('federation.apiKeyKeep', { last4: peer.apiKeyLast4 }) : t('federation.apiKeyHint')}>
          <Input.Password maxLength={500} autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="format" label={t('federation.field.format')}>
          <Radio.Group options={[{ value: 'json', label: 'JSON' }, { value: 'xml', label: 'XML' }]} />
        </Form.Item>
        <Form.Item name="defaultServiceCode" label={t('federation.field.defaultServiceCode')} rules={required} extra={t('federation.defaultServiceHint')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="serviceMap" label={t('federation.field.serviceMap')} extra={t('federation.serviceMapHint')}>
          <Input.TextArea rows={4} placeholder={'component.01=S0301\nevent.02=PT01'} />
        </Form.Item>
        <Space size={24}>
          <Form.Item name="sendPersonalData" label={t('federation.field.sendPersonalData')} valuePropName="checked" extra={t('federation.personalHint')}>
            <Switch />
          </Form.Item>
          <Form.Item name="active" label={t('federation.field.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
