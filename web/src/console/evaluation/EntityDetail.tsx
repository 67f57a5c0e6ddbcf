/**
 * Drill-down of one entity in a run: a radar of its first-level scores and its indicator tree. From the server's
 * drill-down (GET /runs/:id/results/:entity) each row shows the indicator value as imported (or how a missing
 * one was handled), the normalised score, the weight within the parent, the effective weight from the root and
 * the contribution to the total; without it (an older server), scores and weights from the version's definition.
 */
import { Descriptions, Drawer, Spin, Table, Tag, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import type { DrillNode, EvalNode, EvalResult, EvalVersion } from '@civicgrid/contracts/evaluation';
import { fmt, tierStyle } from './types';

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
  /** From the server's drill-down only. */
  value?: number | null;
  missing?: DrillNode['missing'];
  effectiveWeight?: number;
  contribution?: number | null;
  children?: TreeRow[];
}

function drillTree(nodes: DrillNode[], zh: boolean): TreeRow[] {
  const rows = (parent: string | null): TreeRow[] =>
    nodes
      .filter((n) => n.parent === parent)
      .map((n) => {
        const children = rows(n.code);
        return {
          key: n.code,
          code: n.code,
          name: zh ? n.nameZh : n.nameEn,
          weight: n.weight,
          share: n.usedWeight,
          score: n.score,
          ...(n.unit ? { unit: n.unit } : {}),
          ...(n.direction ? { direction: n.direction } : {}),
          value: n.leaf ? n.value : undefined,
          missing: n.missing,
          effectiveWeight: n.effectiveWeight,
          contribution: n.contribution,
          ...(children.length ? { children } : {}),
        };
      });
  return rows(null);
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

export function EntityDetail({ runId, entity, version, onClose }: { runId: string | null; entity: EvalResult | null; version: EvalVersion | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const nodes = version?.definition.nodes ?? [];
  const tiers = version?.definition.settings.tiers ?? [];
  // undefined = loading, null = the server has no drill-down route.
  const [drill, setDrill] = useState<DrillNode[] | null | undefined>(undefined);
  useEffect(() => {
    if (!entity || !runId) return;
    let cancelled = false;
    setDrill(undefined);
    api
      .get<{ nodes: DrillNode[] }>(`/api/v1/evaluation/runs/${runId}/results/${encodeURIComponent(entity.code)}`)
      .then((r) => !cancelled && setDrill(r.nodes))
      // Without the drill-down (no such route, or it failed) the tree falls back to scores and weights.
      .catch(() => !cancelled && setDrill(null));
    return () => {
      cancelled = true;
    };
  }, [runId, entity]);
  const missingText = (m: NonNullable<DrillNode['missing']>) => {
    const handling = t(`evaluationViews.handling_${m.handling}`, { defaultValue: m.handling });
    return m.value === undefined ? t('evaluationViews.missingValue', { handling }) : t('evaluationViews.imputedValue', { handling, value: fmt(m.value) });
  };
  const tree = useMemo(() => (entity ? (drill ? drillTree(drill, zh) : buildTree(nodes, entity.nodeScores, zh)) : []), [entity, nodes, zh, drill]);
  const axes = useMemo(() => nodes.filter((n) => n.parent === null).map((n) => ({ name: zh ? n.nameZh : n.nameEn, value: entity?.nodeScores[n.code] ?? null })), [nodes, entity, zh]);
  const tier = tiers.find((x) => x.code === entity?.tier);
  return (
    <Drawer open={!!entity} onClose={onClose} size={drill ? Math.min(1040, window.innerWidth) : 'large'} title={entity ? `${entity.name} (${entity.code})` : ''} destroyOnHidden data-testid="entity-detail">
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
            loading={drill === undefined}
            columns={[
              { title: t('evaluation.indicator'), key: 'name', render: (_, r) => `${r.code} ${r.name}` },
              ...(drill
                ? [
                    {
                      title: t('evaluationViews.rawValue'),
                      key: 'value',
                      align: 'right' as const,
                      render: (_: unknown, r: TreeRow) =>
                        r.value === undefined ? '' : r.missing ? missingText(r.missing) : `${fmt(r.value ?? null)} ${r.unit ?? ''}`.trim(),
                    },
                  ]
                : []),
              { title: t('evaluationViews.normalizedScore'), key: 'score', align: 'right', render: (_, r) => fmt(r.score) },
              { title: t('evaluation.weight'), key: 'weight', align: 'right', render: (_, r) => `${fmt(r.weight, 3)} (${Math.round(r.share * 1000) / 10}%)` },
              ...(drill
                ? [
                    { title: t('evaluationViews.effectiveWeight'), key: 'eff', align: 'right' as const, render: (_: unknown, r: TreeRow) => `${fmt((r.effectiveWeight ?? 0) * 100, 2)}%` },
                    { title: t('evaluationViews.contribution'), key: 'contribution', align: 'right' as const, render: (_: unknown, r: TreeRow) => fmt(r.contribution ?? null) },
                  ]
                : []),
              {
                title: t('evaluation.unitDirection'),
                key: 'unit',
                render: (_, r) => (r.direction ? `${r.unit ?? ''} ${r.direction === 'cost' ? t('evaluation.cost') : t('evaluation.benefit')}`.trim() : ''),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {drill ? t('evaluationViews.drillNote') : t('evaluationViews.noDrillNote')}
          </Typography.Paragraph>
        </>
      )}
    </Drawer>
  );
}
