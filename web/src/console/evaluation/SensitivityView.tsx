/**
 * The run's Monte-Carlo sensitivity (stored with the run): the draws, seed and Dirichlet concentration; the
 * indicators whose weight moves the scores most (influence = mean |r| between the indicator's effective weight and
 * the entity totals across draws); and per entity its rank interval (5th–95th percentile over the draws, drawn on
 * the scale of all ranks) and the share of draws in which it stays in its tier.
 */
import { Descriptions, Empty, Space, Switch, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sensitivityRows, type SensitivityRow } from './model';
import type { EvalNode, EvalResult, EvalRun, EvalTier } from '@civicgrid/contracts/evaluation';
import { fmt, tierStyle } from './types';

const TOP = 10;
/** Below this share of draws in its tier an entity's tier is called unstable. */
const STABLE = 0.8;

/** Percentiles of ranks may fall between two ranks. */
const rankText = (r: number) => (Number.isInteger(r) ? String(r) : r.toFixed(1));

function RankInterval({ row, of }: { row: SensitivityRow; of: number }) {
  const x = (rank: number) => `${((rank - 1) / Math.max(1, of - 1)) * 100}%`;
  return (
    <Space size={8}>
      <span style={{ position: 'relative', display: 'inline-block', width: 140, height: 10, background: '#f0f0f0', borderRadius: 2 }} aria-hidden>
        <span style={{ position: 'absolute', left: x(row.rankP05), width: `calc(${x(row.rankP95)} - ${x(row.rankP05)} + 2px)`, top: 0, height: 10, background: '#91caff', borderRadius: 2 }} />
        <span style={{ position: 'absolute', left: x(row.rankMedian), top: -2, width: 2, height: 14, background: '#0958d9' }} />
      </span>
      <span>
        {rankText(row.rankP05)} – {rankText(row.rankP95)}
      </span>
    </Space>
  );
}

export function SensitivityView({ run, results, nodes, tiers }: { run: EvalRun; results: EvalResult[]; nodes: EvalNode[]; tiers: EvalTier[] }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const [unstableOnly, setUnstableOnly] = useState(false);
  const rows = useMemo(() => sensitivityRows(results), [results]);
  const s = run.sensitivity;
  if (!s) return <Empty description={t('evaluationViews.noSensitivity')} />;
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const top = s.influence.slice(0, TOP);
  const maxInfluence = Math.max(1e-9, ...top.map((x) => x.influence));
  const shown = unstableOnly ? rows.filter((r) => r.tierStability < STABLE) : rows;
  const unstable = rows.filter((r) => r.tierStability < STABLE).length;
  const tierName = (code: string | null) => {
    const x = tiers.find((y) => y.code === code);
    return x ? `${x.code} · ${zh ? x.nameZh : x.nameEn}` : (code ?? '—');
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="sensitivity-view">
      <Descriptions size="small" bordered column={4}>
        <Descriptions.Item label={t('evaluationViews.draws')}>{s.draws}</Descriptions.Item>
        <Descriptions.Item label={t('evaluationViews.seed')}>{s.seed}</Descriptions.Item>
        <Descriptions.Item label={t('evaluationViews.concentration')}>{s.concentration}</Descriptions.Item>
        <Descriptions.Item label={t('evaluationViews.unstableCount')}>{t('evaluationViews.unstableOf', { count: unstable, total: rows.length })}</Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('evaluationViews.sensitivityHelp', { draws: s.draws, concentration: s.concentration })}
      </Typography.Paragraph>
      <div>
        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t('evaluationViews.influenceTitle')}
        </Typography.Title>
        <ol data-testid="influence-list" style={{ paddingLeft: 24, margin: 0 }}>
          {top.map((x) => {
            const n = byCode.get(x.code);
            return (
              <li key={x.code} style={{ marginBottom: 4 }}>
                <Space size={8}>
                  <span style={{ display: 'inline-block', width: 260 }}>{`${x.code} ${n ? (zh ? n.nameZh : n.nameEn) : ''}`}</span>
                  <span style={{ display: 'inline-block', width: 160, height: 10, background: '#f0f0f0', borderRadius: 2 }} aria-hidden>
                    <span style={{ display: 'block', height: 10, width: `${(x.influence / maxInfluence) * 100}%`, background: '#1677ff', borderRadius: 2 }} />
                  </span>
                  <span>{fmt(x.influence, 3)}</span>
                </Space>
              </li>
            );
          })}
        </ol>
      </div>
      <div>
        <Space style={{ justifyContent: 'space-between', width: '100%', marginBottom: 8 }} wrap>
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            {t('evaluationViews.intervalsTitle')}
          </Typography.Title>
          <Space>
            <Switch checked={unstableOnly} onChange={setUnstableOnly} aria-label={t('evaluationViews.unstableOnly')} data-testid="unstable-only" />
            <span>{t('evaluationViews.unstableOnly')}</span>
          </Space>
        </Space>
        <Table<SensitivityRow>
          size="small"
          rowKey="code"
          dataSource={shown}
          data-testid="sensitivity-table"
          pagination={{ defaultPageSize: 20, showTotal: (n) => t('evaluation.total', { count: n }) }}
          columns={[
            { title: t('evaluation.rank'), dataIndex: 'rank', width: 80, sorter: (a, b) => a.rank - b.rank, defaultSortOrder: 'ascend' },
            { title: t('evaluation.entity'), dataIndex: 'name' },
            { title: t('evaluation.tier'), dataIndex: 'tier', render: (v: string | null) => (v ? <Tag style={tierStyle(tiers, v)}>{tierName(v)}</Tag> : '—') },
            {
              title: t('evaluationViews.rankInterval'),
              key: 'interval',
              sorter: (a, b) => a.rankP95 - a.rankP05 - (b.rankP95 - b.rankP05),
              render: (_, r) => <RankInterval row={r} of={results.length} />,
            },
            { title: t('evaluationViews.rankMedian'), dataIndex: 'rankMedian', align: 'right', render: (v: number) => rankText(v) },
            {
              title: t('evaluationViews.tierStability'),
              dataIndex: 'tierStability',
              align: 'right',
              sorter: (a, b) => a.tierStability - b.tierStability,
              render: (v: number) => (v < STABLE ? <Typography.Text strong style={{ color: '#a8071a' }}>{`${Math.round(v * 100)}%`}</Typography.Text> : `${Math.round(v * 100)}%`),
            },
          ]}
        />
      </div>
    </Space>
  );
}
