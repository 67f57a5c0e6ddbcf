/**
 * 消息记录 (outbox): what was sent to residents and users — channel (SMS, WeChat, e-mail), masked recipient, the
 * text (one-time codes redacted by the server), delivery state with attempts and the last error. GET /api/v1/messages
 * (administrators; the server audits each read). Filters by channel and state.
 */
import { Alert, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { ZoneNote } from '../ZoneNote';

export interface OutboundMessage {
  id: string;
  channel: 'sms' | 'wechat' | 'email';
  purpose: string;
  recipient: string;
  body: string;
  status: 'recorded' | 'queued' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

const CHANNELS = ['sms', 'wechat', 'email'] as const;
const STATUSES = ['recorded', 'queued', 'sent', 'failed'] as const;
const STATUS_COLOR: Record<OutboundMessage['status'], string> = { recorded: 'default', queued: 'processing', sent: 'success', failed: 'error' };

export function MessagesPage() {
  const { t } = useTranslation();
  const [channel, setChannel] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [items, setItems] = useState<OutboundMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const query: Record<string, string> = { limit: '200' };
      if (channel) query.channel = channel;
      if (status) query.status = status;
      setItems((await api.get<{ items: OutboundMessage[] }>('/api/v1/messages', query)).items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [channel, status]);
  useEffect(() => void load(), [load]);

  const when = (iso: string | null) => (iso ? formatDateTime(iso) : '—');
  /** A filter select: `name` is the query parameter, its labels are messages.<name>.<value>. */
  const pick = (name: 'channel' | 'status', value: string | undefined, onChange: (v: string | undefined) => void, values: readonly string[]) => (
    <Select
      allowClear
      style={{ width: 160 }}
      placeholder={t(`messages.filter.${name}`)}
      aria-label={t(`messages.filter.${name}`)}
      data-testid={`messages-${name}`}
      value={value}
      onChange={onChange}
      options={values.map((v) => ({ value: v, label: t(`messages.${name}.${v}`) }))}
    />
  );
  return (
    <>
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('messages.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {t('messages.intro')} <ZoneNote />
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        {pick('channel', channel, setChannel, CHANNELS)}
        {pick('status', status, setStatus, STATUSES)}
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Table<OutboundMessage>
        rowKey="id"
        size="small"
        data-testid="messages-table"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <span className="wo-empty">{t('messages.empty')}</span> }}
        columns={[
          { title: t('messages.col.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => when(v) },
          { title: t('messages.col.channel'), dataIndex: 'channel', width: 90, render: (v: OutboundMessage['channel']) => t(`messages.channel.${v}`) },
          { title: t('messages.col.recipient'), dataIndex: 'recipient', width: 170 },
          { title: t('messages.col.body'), dataIndex: 'body', render: (v: string) => <span style={{ whiteSpace: 'pre-wrap' }}>{v}</span> },
          {
            title: t('messages.col.status'),
            dataIndex: 'status',
            width: 190,
            render: (_: unknown, m: OutboundMessage) => (
              <Space orientation="vertical" size={0}>
                <Tag color={STATUS_COLOR[m.status]}>{t(`messages.status.${m.status}`)}</Tag>
                {m.attempts > 0 && <Typography.Text type="secondary">{t('messages.attempts', { n: m.attempts })}</Typography.Text>}
                {m.sentAt && <Typography.Text type="secondary">{when(m.sentAt)}</Typography.Text>}
                {m.lastError && m.status !== 'sent' && <Typography.Text type="danger">{m.lastError}</Typography.Text>}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
