/**
 * Drill-down of one entity in a run: its indicator tree (each node's score, weight within its parent — as
 * given and normalised — unit and direction) and a radar of its first-level scores.
 */
import { Descriptions, Drawer, Spin, Table, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt, tierStyle, type EvalNode, type EvalResult, type EvalVersion } from './types';

const RadarChart = lazy(() => import('./RadarChart'));

interface TreeRow {
  key: string;
  code: string;
  name: string;
  weight: number;
  share: number;
  score: number | null;
  unit?: string;
  direction?: string;
  children?: TreeRow[];
}

function buildTree(nodes: EvalNode[], scores: Record<string, number | null>, zh: boolean): TreeRow[] {
  const byParent = new Map<string | null, EvalNode[]>();
  for (const n of nodes) byParent.set(n.parent, [...(byParent.get(n.parent) ?? []), n]);
  const rows = (parent: string | null): TreeRow[] => {
    const kids = byParent.get(parent) ?? [];
    const sum = kids.reduce((s, k) => s + k.weight, 0);
    return kids.map((n) => {
      const children = rows(n.code);
      return {
        key: n.code,
        code: n.code,
        name: zh ? n.nameZh : n.nameEn,
        weight: n.weight,
        share: sum > 0 ? n.weight / sum : 0,
        score: scores[n.code] ?? null,
        ...(n.unit ? { unit: n.unit } : {}),
        ...(n.direction ? { direction: n.direction } : {}),
        ...(children.length ? { children } : {}),
      };
    });
  };
  return rows(null);
}

export function EntityDetail({ entity, version, onClose }: { entity: EvalResult | null; version: EvalVersion | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const nodes = version?.definition.nodes ?? [];
  const tiers = version?.definition.settings.tiers ?? [];
  const tree = useMemo(() => (entity ? buildTree(nodes, entity.nodeScores, zh) : []), [entity, nodes, zh]);
  const axes = useMemo(() => nodes.filter((n) => n.parent === null).map((n) => ({ name: zh ? n.nameZh : n.nameEn, value: entity?.nodeScores[n.code] ?? null })), [nodes, entity, zh]);
  const tier = tiers.find((x) => x.code === entity?.tier);
  return (
    <Drawer open={!!entity} onClose={onClose} size="large" title={entity ? `${entity.name} (${entity.code})` : ''} destroyOnHidden data-testid="entity-detail">
      {entity && (
        <>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('evaluation.score')}>{fmt(entity.total)}</Descriptions.Item>
            <Descriptions.Item label={t('evaluation.rank')}>{entity.rank}</Descriptions.Item>
            <Descriptions.Item label={t('evaluation.tier')}>
              {entity.tier ? <Tag style={tierStyle(tiers, entity.tier)}>{tier ? `${tier.code} · ${zh ? tier.nameZh : tier.nameEn}` : entity.tier}</Tag> : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('evaluation.coverage')}>{`${Math.round(entity.coverage * 100)}%`}</Descriptions.Item>
            <Descriptions.Item label={t('evaluation.class')}>{entity.class ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('evaluation.region')}>{[entity.region, entity.province].filter(Boolean).join(' · ') || '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
            {t('evaluation.radarTitle')}
          </Typography.Title>
          <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
            <RadarChart
              axes={axes}
              seriesName={entity.name}
              label={t('evaluation.radarLabel', { name: entity.name, scores: axes.map((a) => `${a.name} ${fmt(a.value, 1)}`).join(', ') })}
            />
          </Suspense>
          <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
            {t('evaluation.treeTitle')}
          </Typography.Title>
          <Table<TreeRow>
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={tree}
            expandable={{ defaultExpandAllRows: true }}
            data-testid="entity-tree"
            columns={[
              { title: t('evaluation.indicator'), key: 'name', render: (_, r) => `${r.code} ${r.name}` },
              { title: t('evaluation.weight'), key: 'weight', align: 'right', render: (_, r) => `${fmt(r.weight, 3)} (${Math.round(r.share * 1000) / 10}%)` },
              { title: t('evaluation.score'), key: 'score', align: 'right', render: (_, r) => fmt(r.score) },
              {
                title: t('evaluation.unitDirection'),
                key: 'unit',
                render: (_, r) => (r.direction ? `${r.unit ?? ''} ${r.direction === 'cost' ? t('evaluation.cost') : t('evaluation.benefit')}`.trim() : ''),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('evaluation.rawValuesNote')}
          </Typography.Paragraph>
        </>
      )}
    </Drawer>
  );
}
