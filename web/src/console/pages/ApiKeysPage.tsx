/** API keys for external systems: list, create (the key is shown once), revoke. */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { DatePicker } from '../../shared/date-picker';
import { formatDateTime, jurisdictionInstant, PICKED } from '../../shared/time';
import { ZoneNote } from '../ZoneNote';
import { useAuth } from '../auth';
import type { ApiKeyView } from '@civicgrid/contracts/identity';

const SCOPE = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?$/;

const fmt = (iso: string | null) => (iso ? formatDateTime(iso) : '—');

export function ApiKeysPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const manage = can('apikey.manage');
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [items, setItems] = useState<ApiKeyView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [form] = Form.useForm();

  const load = useCallback(async () => {
    try {
      setItems((await api.get<{ items: ApiKeyView[] }>('/api/v1/api-keys', { includeRevoked: String(includeRevoked) })).items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [includeRevoked]);
  useEffect(() => void load(), [load]);

  const create = async (v: { name: string; scopes: string[]; expiresAt?: { format(f: string): string } }) => {
    try {
      const r = await api.post<{ key: string; apiKey: ApiKeyView }>('/api/v1/api-keys', {
        name: v.name.trim(),
        scopes: v.scopes,
        ...(v.expiresAt ? { expiresAt: jurisdictionInstant(v.expiresAt.format(PICKED)) } : {}),
      });
      setCreating(false);
      setCreated({ key: r.key, name: r.apiKey.name });
      await load();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
          {t('apiKeys.title')}
        </Typography.Title>
        <Space>
          <Checkbox checked={includeRevoked} onChange={(e) => setIncludeRevoked(e.target.checked)}>
            {t('apiKeys.showRevoked')}
          </Checkbox>
          {manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('apiKeys.create')}
            </Button>
          )}
        </Space>
      </Space>
      <Typography.Paragraph type="secondary">
        {t('apiKeys.intro')} <ZoneNote />
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<ApiKeyView>
        rowKey="id"
        loading={items === null && !error}
        dataSource={items ?? []}
        scroll={{ x: 800 }}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name' },
          { title: t('apiKeys.prefix'), dataIndex: 'prefix', render: (p: string) => <code>{p}…</code> },
          { title: t('apiKeys.scopes'), render: (_, k) => k.scopes.map((s) => <Tag key={s}>{s}</Tag>) },
          { title: t('apiKeys.createdAt'), render: (_, k) => fmt(k.createdAt) },
          { title: t('apiKeys.expiresAt'), render: (_, k) => fmt(k.expiresAt) },
          { title: t('apiKeys.lastUsedAt'), render: (_, k) => fmt(k.lastUsedAt) },
          {
            title: t('common.status'),
            render: (_, k) => (k.revokedAt ? <Tag>{t('apiKeys.revoked')}</Tag> : <Tag className="cg-tag-ok">{t('apiKeys.active')}</Tag>),
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  render: (_: unknown, k: ApiKeyView) =>
                    !k.revokedAt && (
                      <Button
                        type="link"
                        danger
                        size="small"
                        onClick={() =>
                          modal.confirm({
                            title: t('apiKeys.revokeConfirm', { name: k.name }),
                            okText: t('apiKeys.revoke'),
                            cancelText: t('common.cancel'),
                            okButtonProps: { danger: true },
                            onOk: async () => {
                              try {
                                await api.del(`/api/v1/api-keys/${k.id}`);
                                void message.success(t('apiKeys.revokedDone'));
                                await load();
                              } catch (e) {
                                void message.error(errorMessage(e));
                              }
                            },
                          })
                        }
                      >
                        {t('apiKeys.revoke')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={creating}
        title={t('apiKeys.create')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => void create(v)}>
          <Form.Item name="name" label={t('apiKeys.name')} rules={[{ required: true, whitespace: true, message: t('apiKeys.nameRequired') }, { max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t('apiKeys.scopes')}
            extra={t('apiKeys.scopesHint')}
            rules={[
              { required: true, message: t('apiKeys.scopesRequired') },
              {
                validator: (_, v: string[] | undefined) =>
                  (v ?? []).every((s) => SCOPE.test(s)) ? Promise.resolve() : Promise.reject(new Error(t('apiKeys.scopesInvalid'))),
              },
            ]}
          >
            <Select mode="tags" tokenSeparators={[',', ' ']} open={false} suffixIcon={null} />
          </Form.Item>
          <Form.Item name="expiresAt" label={t('time.inZone', { label: t('apiKeys.expiresAt') })}>
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!created}
        title={t('apiKeys.createdTitle', { name: created?.name ?? '' })}
        onCancel={() => setCreated(null)}
        footer={<Button onClick={() => setCreated(null)}>{t('common.close')}</Button>}
      >
        <Alert type="warning" showIcon message={t('apiKeys.shownOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: created?.key ?? '' }} className="cg-key-box" data-testid="new-api-key">
          {created?.key}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
