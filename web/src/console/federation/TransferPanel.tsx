/**
 * The transfer of an order (跨域转办) on its detail page: peer, state, remote id, when it was sent and last polled,
 * the last error, and the peer's updates mirrored back (GET /api/v1/federation/transfers/:workOrderId). Shown for
 * orders that were ever transferred; reloads with the order (`version`).
 */
import { Alert, Card, Descriptions, Empty, Space, theme, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { StatusTag } from '../work-orders/parts';
import type { TransferView } from '@civicgrid/contracts/federation';
import { federationApi } from './api';
import { ToneTag, type Tone } from './tones';

const STATE_TONE: Record<TransferView['state'], Tone> = { pending: 'gold', token: 'gold', sent: 'blue', done: 'green', failed: 'red' };

export function TransferPanel({ workOrderId, version }: { workOrderId: string; version: string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [transfer, setTransfer] = useState<TransferView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    federationApi.transfer(workOrderId).then(
      (x) => live && (setTransfer(x), setError(null)),
      (e: unknown) => live && (e instanceof ApiError && e.status === 404 ? setTransfer(null) : setError(errorMessage(e))),
    );
    return () => {
      live = false;
    };
  }, [workOrderId, version]);
  const when = (iso: string | null) => (iso ? formatDateTime(iso) : t('federation.transfer.notYet'));

  if (error) return <Alert type="warning" showIcon title={error} />;
  if (!transfer) return null;
  return (
    <Card size="small" title={t('federation.transfer.title')} data-testid="transfer-panel" data-state={transfer.state}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('federation.transfer.peer')}>{transfer.peer.name}</Descriptions.Item>
        <Descriptions.Item label={t('federation.transfer.state')}>
          <ToneTag tone={STATE_TONE[transfer.state]} testId="transfer-state">
            {t(`federation.transfer.states.${transfer.state}`)}
          </ToneTag>
        </Descriptions.Item>
        <Descriptions.Item label={t('federation.transfer.remoteId')}>
          <span data-testid="transfer-remote-id">{transfer.remoteId ?? '—'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('federation.transfer.serviceCode')}>{transfer.serviceCode || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('federation.transfer.sentAt')}>{when(transfer.sentAt)}</Descriptions.Item>
        <Descriptions.Item label={t('federation.transfer.lastPolledAt')}>{when(transfer.lastPolledAt)}</Descriptions.Item>
        {transfer.remoteNotes && <Descriptions.Item label={t('federation.transfer.remoteNotes')}>{transfer.remoteNotes}</Descriptions.Item>}
      </Descriptions>
      {transfer.lastError && (
        <Alert
          style={{ marginTop: 8 }}
          type={transfer.state === 'failed' ? 'error' : 'warning'}
          showIcon
          title={t(transfer.state === 'failed' ? 'federation.transfer.refused' : 'federation.transfer.retrying', { attempts: transfer.attempts })}
          description={transfer.lastError}
          data-testid="transfer-error"
        />
      )}
      <Typography.Title level={4} style={{ fontSize: 14, marginTop: 12 }}>
        {t('federation.transfer.mirrored')}
      </Typography.Title>
      {transfer.mirrored.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('federation.transfer.noUpdates')} />
      ) : (
        // A plain list: antd 6 deprecates List. Styled as List size="small" was (padding, split lines) from the theme.
        <ul data-testid="transfer-updates" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {transfer.mirrored.map((m, i) => (
            <li
              key={`${m.at}-${i}`}
              style={{
                padding: `${token.paddingContentVerticalSM}px ${token.paddingContentHorizontal}px`,
                borderBlockEnd: i < transfer.mirrored.length - 1 ? `${token.lineWidth}px ${token.lineType} ${token.colorSplit}` : 'none',
              }}
            >
              <Space orientation="vertical" size={0}>
                <Space wrap>
                  <StatusTag status={m.mirroredStatus} />
                  <Typography.Text type="secondary">{formatDateTime(m.at)}</Typography.Text>
                </Space>
                {m.note && <span style={{ whiteSpace: 'pre-wrap' }}>{m.note}</span>}
              </Space>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
