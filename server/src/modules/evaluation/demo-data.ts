/**
 * A clearly synthetic data set of 680 cities for the default template (see DEFAULT-TEMPLATE.md): seeded, so the
 * demo and the benchmark see the same numbers every time. Nothing here describes a real city.
 */
import { DEFAULT_TEMPLATE } from './default-template.js';
import { mulberry32, normal } from './methods/random.js';
import type { EntityInput } from './run.js';

export const CITY_CLASSES = ['直辖市/计划单列市/省会', '地级市', '县级市'] as const;

const PROVINCES: [province: string, region: string][] = [
  ['北京', '华北'], ['天津', '华北'], ['河北', '华北'], ['山西', '华北'], ['内蒙古', '华北'],
  ['辽宁', '东北'], ['吉林', '东北'], ['黑龙江', '东北'],
  ['上海', '华东'], ['江苏', '华东'], ['浙江', '华东'], ['安徽', '华东'], ['福建', '华东'], ['江西', '华东'], ['山东', '华东'],
  ['河南', '华中'], ['湖北', '华中'], ['湖南', '华中'],
  ['广东', '华南'], ['广西', '华南'], ['海南', '华南'],
  ['重庆', '西南'], ['四川', '西南'], ['贵州', '西南'], ['云南', '西南'], ['西藏', '西南'],
  ['陕西', '西北'], ['甘肃', '西北'], ['青海', '西北'], ['宁夏', '西北'], ['新疆', '西北'],
];
const REGION_EFFECT: Record<string, number> = { 华东: 0.5, 华南: 0.35, 华北: 0.15, 华中: 0.1, 西南: -0.1, 东北: -0.2, 西北: -0.35 };
const CLASS_EFFECT = [0.9, 0, -0.45];
const CLASS_COUNTS = [36, 250, 394];

/** [mean at capacity 0, change per unit of capacity, noise sd, lower bound, upper bound] per leaf. */
const SHAPES: Record<string, [number, number, number, number, number]> = {
  D11: [75000, 30000, 15000, 15000, 250000], D12: [75, 8, 5, 40, 100], D21: [70, 15, 8, 10, 100], D22: [18, 6, 4, 1, 60],
  D31: [72, 12, 8, 20, 100], D32: [78, 10, 7, 30, 100], D33: [6, -2, 1.5, 0.5, 20], D34: [85, 8, 7, 30, 100],
  G11: [65, 14, 9, 10, 100], G12: [45, 15, 10, 0, 100], G21: [40, 18, 10, 0, 100], G22: [35, 12, 9, 0, 100],
  G31: [88, 5, 4, 50, 100], G32: [93, 3, 3, 60, 100], G33: [8, -2.5, 2, 0, 40],
  H11: [70, 9, 6, 30, 100], H12: [88, 4, 4, 50, 100], H21: [2.8, 0.6, 0.4, 0.8, 6], H22: [60, 15, 10, 5, 100],
  H23: [70, 12, 9, 10, 100], H31: [55, 18, 12, 0, 100], H32: [65, 14, 10, 5, 100],
  C11: [25, 10, 8, 0, 90], C12: [30, 8, 8, 0, 90], C13: [900, 300, 250, 50, 4000], C21: [40, 20, 15, 0, 300], C22: [30, 10, 8, 0, 95],
};

export function demoCities(seed = 20260501, count = 680): EntityInput[] {
  const random = mulberry32(seed);
  const leaves = DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code);
  const out: EntityInput[] = [];
  const total = CLASS_COUNTS.reduce((a, b) => a + b, 0);
  for (let k = 0; k < count; k++) {
    // Classes in the seeds' proportions, whatever the count.
    const position = (k / count) * total;
    const cls = position < CLASS_COUNTS[0]! ? 0 : position < CLASS_COUNTS[0]! + CLASS_COUNTS[1]! ? 1 : 2;
    const [province, region] = PROVINCES[Math.floor(random() * PROVINCES.length)]!;
    const capacity = CLASS_EFFECT[cls]! + REGION_EFFECT[region]! + 0.6 * normal(random);
    const values: Record<string, number | null> = {};
    for (const code of leaves) {
      const [mean, slope, sd, lo, hi] = SHAPES[code]!;
      if (random() < 0.02) {
        values[code] = null;
        continue;
      }
      const x = mean + slope * capacity + sd * normal(random);
      values[code] = Math.round(Math.min(hi, Math.max(lo, x)) * 100) / 100;
    }
    out.push({ code: `SYN${String(k + 1).padStart(3, '0')}`, name: `合成城市${String(k + 1).padStart(3, '0')}`, class: CITY_CLASSES[cls]!, province, region, values });
  }
  return out;
}
