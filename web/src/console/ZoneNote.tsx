/**
 * "时间均为北京时间（UTC+8）": shown once on a screen whose times someone elsewhere might read in their own zone
 * (every time is formatted in the jurisdiction's zone by shared/time.ts).
 */
import { Typography } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';

export function ZoneNote({ style }: { style?: CSSProperties }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal', ...style }} data-testid="zone-note">
      {t('time.zoneNote')}
    </Typography.Text>
  );
}
