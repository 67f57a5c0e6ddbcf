/**
 * The default indicator system, 城市治理现代化评估指标体系 (4 first-level / 11 second-level / 27 third-level). The
 * published appendix listing the 27 indicators is not available, so this set is our design — see
 * DEFAULT-TEMPLATE.md for the reasoning — and it is an editable template: every system created from it is a draft
 * the analyst changes before publishing.
 */
import type { SystemNode, SystemSettings } from './system.js';
import { DEFAULT_TIERS } from './methods/stats.js';

const minmax = { method: 'minmax' } as const;
const zscore = { method: 'zscore' } as const;
const target = (threshold: number, t: number) => ({ method: 'target', threshold, target: t }) as const;
const imported = { kind: 'import' } as const;

type Leaf = [code: string, parent: string, nameZh: string, nameEn: string, unit: string, direction: 'benefit' | 'cost', normalization: SystemNode['normalization'], source?: SystemNode['source']];
type Group = [code: string, parent: string | null, nameZh: string, nameEn: string, weight: number];

const GROUPS: Group[] = [
  ['D', null, '发展质效', 'Development quality and efficiency', 0.25],
  ['G', null, '精准治理', 'Precise governance', 0.3],
  ['H', null, '人本服务', 'People-centred services', 0.25],
  ['C', null, '多元协同', 'Multi-party collaboration', 0.2],
  ['D1', 'D', '经济活力', 'Economic vitality', 1],
  ['D2', 'D', '数字基础设施', 'Digital infrastructure', 1],
  ['D3', 'D', '政务服务效能', 'Government service efficiency', 1],
  ['G1', 'G', '数据共享开放', 'Data sharing and openness', 1],
  ['G2', 'G', '城市运行感知', 'Sensing city operations', 1],
  ['G3', 'G', '案件处置效能', 'Case handling performance', 1],
  ['H1', 'H', '群众满意度', 'Public satisfaction', 1],
  ['H2', 'H', '公共服务均等化', 'Equal access to public services', 1],
  ['H3', 'H', '适老与无障碍', 'Ageing-friendly and accessible services', 1],
  ['C1', 'C', '公众参与', 'Public participation', 1],
  ['C2', 'C', '社会协同', 'Social collaboration', 1],
];

const LEAVES: Leaf[] = [
  ['D11', 'D1', '人均地区生产总值', 'GDP per capita', '元', 'benefit', zscore],
  ['D12', 'D1', '营商环境评价得分', 'Business environment score', '分', 'benefit', minmax],
  ['D21', 'D2', '千兆光网覆盖率', 'Gigabit fibre coverage', '%', 'benefit', minmax],
  ['D22', 'D2', '每万人5G基站数', '5G base stations per 10,000 people', '个/万人', 'benefit', minmax],
  ['D31', 'D3', '一站式办理能力', 'One-stop service capability', '%', 'benefit', minmax],
  ['D32', 'D3', '政务服务事项全程网办率', 'Share of services fully online', '%', 'benefit', minmax],
  ['D33', 'D3', '平均办理时长', 'Average processing time', '工作日', 'cost', minmax],
  ['D34', 'D3', '差评整改率', 'Rectification rate of poor ratings', '%', 'benefit', target(60, 100)],
  ['G11', 'G1', '信息资源部门间共享率', 'Inter-department sharing rate of information resources', '%', 'benefit', minmax],
  ['G12', 'G1', '公共信息资源社会开放率', 'Public information resources open to society', '%', 'benefit', minmax],
  ['G21', 'G2', '城市部件物联感知覆盖率', 'IoT sensing coverage of city components', '%', 'benefit', minmax],
  ['G22', 'G2', '问题主动发现率', 'Share of problems found proactively', '%', 'benefit', minmax],
  ['G31', 'G3', '按期结案率', 'On-time closure rate', '%', 'benefit', target(60, 100), { kind: 'platform', metric: 'work_orders.on_time_closure_rate' }],
  ['G32', 'G3', '结案率', 'Closure rate', '%', 'benefit', target(70, 100), { kind: 'platform', metric: 'work_orders.closure_rate' }],
  ['G33', 'G3', '重复投诉率', 'Repeat complaint rate', '%', 'cost', minmax],
  ['H11', 'H1', '人本服务指数', 'People-centred service index', '分', 'benefit', minmax],
  ['H12', 'H1', '热线办理满意率', 'Hotline satisfaction rate', '%', 'benefit', target(70, 100), { kind: 'platform', metric: 'work_orders.satisfaction_rate' }],
  ['H21', 'H2', '每千人口执业（助理）医师数', 'Practising doctors per 1,000 people', '人/千人', 'benefit', minmax],
  ['H22', 'H2', '15分钟社区生活圈覆盖率', '15-minute community life circle coverage', '%', 'benefit', minmax],
  ['H23', 'H2', '义务教育优质均衡达标率', 'Compulsory education balance attainment', '%', 'benefit', minmax],
  ['H31', 'H3', '政务网站与应用适老化改造率', 'Government sites and apps adapted for older people', '%', 'benefit', minmax],
  ['H32', 'H3', '社区养老服务设施覆盖率', 'Community elderly-care facility coverage', '%', 'benefit', minmax],
  ['C11', 'C1', '市民随手拍等主动上报占比', 'Share of cases reported by residents', '%', 'benefit', minmax],
  ['C12', 'C1', '建言献策采纳率', 'Adoption rate of public proposals', '%', 'benefit', minmax],
  ['C13', 'C1', '每万人注册志愿者数', 'Registered volunteers per 10,000 people', '人/万人', 'benefit', minmax],
  ['C21', 'C2', '社会组织参与治理项目数', 'Governance projects with social organisations', '个', 'benefit', minmax],
  ['C22', 'C2', '跨部门协同处置率', 'Share of cases handled across departments', '%', 'benefit', minmax],
];

export const DEFAULT_TEMPLATE: { code: string; nameZh: string; nameEn: string; nodes: SystemNode[]; settings: SystemSettings } = {
  code: 'governance-modernisation',
  nameZh: '城市治理现代化评估指标体系（可编辑模板）',
  nameEn: 'City governance modernisation index (editable template)',
  nodes: [
    ...GROUPS.map(([code, parent, nameZh, nameEn, weight]) => ({ code, parent, nameZh, nameEn, weight })),
    ...LEAVES.map(([code, parent, nameZh, nameEn, unit, direction, normalization, source]) => ({
      code,
      parent,
      nameZh,
      nameEn,
      weight: 1,
      unit,
      direction,
      normalization,
      source: source ?? imported,
    })),
  ],
  settings: { aggregation: 'weighted_sum', missing: 'renormalize', tiers: DEFAULT_TIERS.map((t) => ({ ...t })) },
};
