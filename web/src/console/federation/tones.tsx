/** Tags in the federation screens, with text dark enough on its background for WCAG AA (antd's preset colours are not). */
import { Tag } from 'antd';
import type { ReactNode } from 'react';

export type Tone = 'green' | 'gold' | 'blue' | 'red' | 'grey';

const TONES: Record<Tone, { color: string; background: string; borderColor: string }> = {
  green: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  gold: { color: '#7a3e00', background: '#fffbe6', borderColor: '#ffe58f' },
  blue: { color: '#0b4f94', background: '#e6f0fb', borderColor: '#91caff' },
  red: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  grey: { color: '#434343', background: '#fafafa', borderColor: '#d9d9d9' },
};

export function ToneTag({ tone, title, children, testId }: { tone: Tone; title?: string; children: ReactNode; testId?: string }) {
  return (
    <Tag style={TONES[tone]} title={title} data-testid={testId}>
      {children}
    </Tag>
  );
}
