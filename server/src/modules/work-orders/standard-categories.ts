/**
 * The standard work-order category tree, built from data/components.csv (部件 classes → `component.CC` →
 * `component.CC.CCSS`, carrying subclass CCSS), data/events.csv (事件 classes → `event.CC` → `event.CC.NN`, the
 * example subclasses numbered in file order) and the common 12345 hotline categories. See data/NOTICE.md.
 */
import { readFileSync } from 'node:fs';
import type { CategoryKind } from '@civicgrid/contracts/categories';

export type { CategoryKind };

export interface StandardCategory {
  code: string;
  parentCode: string | null;
  kind: CategoryKind;
  nameZh: string;
  nameEn: string;
  componentSubclass: string | null;
  sortOrder: number;
}

const COMPONENTS_CSV = new URL('./data/components.csv', import.meta.url);
const EVENTS_CSV = new URL('./data/events.csv', import.meta.url);

/** English names of the code tables' entries (the CSV files carry Chinese only). */
const EN: Record<string, string> = {
  公用设施: 'Public utilities',
  上水井盖: 'Water supply manhole cover',
  污水井盖: 'Sewer manhole cover',
  雨水井盖: 'Storm drain manhole cover',
  雨水箅子: 'Storm drain grate',
  电力井盖: 'Power manhole cover',
  路灯井盖: 'Street-light manhole cover',
  通讯井盖: 'Telecom manhole cover',
  电视井盖: 'Cable TV manhole cover',
  网络井盖: 'Network manhole cover',
  燃气井盖: 'Gas manhole cover',
  公安井盖: 'Police manhole cover',
  消防设施: 'Fire-fighting facility',
  无主井盖: 'Ownerless manhole cover',
  通讯交接箱: 'Telecom cross-connect cabinet',
  电力设施: 'Power facility',
  立杆: 'Pole',
  路灯: 'Street light',
  地灯: 'Ground light',
  景观灯: 'Decorative light',
  报刊亭: 'Newsstand',
  电话亭: 'Telephone booth',
  邮筒: 'Mailbox',
  信息亭: 'Information kiosk',
  自动售货机: 'Vending machine',
  健身设施: 'Fitness equipment',
  中水井盖: 'Reclaimed-water manhole cover',
  公交井盖: 'Transit manhole cover',
  治安岗亭: 'Police post',
  道路交通: 'Roads and traffic',
  停车场: 'Car park',
  公交站亭: 'Bus shelter',
  出租车站牌: 'Taxi stand sign',
  过街天桥: 'Pedestrian bridge',
  地下通道: 'Underpass',
  高架立交桥: 'Flyover',
  跨河桥: 'River bridge',
  交通标志牌: 'Traffic sign',
  交通信号灯: 'Traffic light',
  交通护栏: 'Traffic barrier',
  存车支架: 'Bicycle rack',
  路名牌: 'Street name sign',
  交通岗亭: 'Traffic police post',
  市容环境: 'City appearance and sanitation',
  公共厕所: 'Public toilet',
  化粪池: 'Septic tank',
  公厕指示牌: 'Public toilet sign',
  '垃圾间(楼)': 'Refuse room',
  垃圾箱: 'Litter bin',
  灯箱霓虹灯: 'Light box or neon sign',
  广告牌匾: 'Advertising signboard',
  园林绿化: 'Parks and greenery',
  古树名木: 'Heritage tree',
  行道树: 'Street tree',
  护树设施: 'Tree protection',
  花架花钵: 'Planter',
  绿地: 'Green space',
  雕塑: 'Sculpture',
  街头坐椅: 'Street bench',
  绿地护栏: 'Green space railing',
  绿地维护设施: 'Green space maintenance facility',
  喷泉: 'Fountain',
  房屋土地: 'Buildings and land',
  宣传栏: 'Notice board',
  人防工事: 'Civil air-defence works',
  其他设施: 'Other facilities',
  重大危险源: 'Major hazard installation',
  工地: 'Construction site',
  水域附属设施: 'Waterside facility',
  水域护栏: 'Waterside railing',
  // events.csv
  暴露垃圾: 'Exposed rubbish',
  积存垃圾渣土: 'Accumulated rubbish or spoil',
  道路不洁: 'Dirty road',
  新增违法建筑: 'New illegal building',
  宣传广告: 'Publicity and advertising',
  非法张贴小广告: 'Illegal flyposting',
  违章张贴悬挂广告牌匾: 'Unauthorised signboard',
  占道广告牌: 'Advertising board on the road',
  街头散发小广告: 'Flyers handed out in the street',
  施工管理: 'Construction management',
  施工扰民: 'Construction disturbance',
  工地扬尘: 'Construction dust',
  无证消纳渣土: 'Unlicensed spoil dumping',
  道路遗撒: 'Spillage on the road',
  突发事件: 'Emergencies',
  路面塌陷: 'Road collapse',
  自来水管破裂: 'Burst water main',
  燃气管道破裂: 'Gas pipe rupture',
  下水道堵塞: 'Blocked sewer',
  街面秩序: 'Street order',
  无照经营游商: 'Unlicensed street vending',
  流浪乞讨: 'Vagrancy and begging',
  占道废品收购: 'Scrap collection on the road',
  店外经营: 'Trading outside the shop',
  机动车乱停放: 'Illegal car parking',
  非机动车乱停放: 'Illegal bicycle parking',
  乱堆物堆料: 'Dumped materials',
  商业噪音: 'Commercial noise',
  黑车拉客: 'Unlicensed taxi touting',
  露天烧烤: 'Open-air barbecue',
};

/** The common 12345 hotline categories (top level, with the utilities split by service). */
const HOTLINE: { code: string; nameZh: string; nameEn: string }[] = [
  { code: 'utilities', nameZh: '水电气暖', nameEn: 'Utilities' },
  { code: 'utilities.water', nameZh: '供水', nameEn: 'Water supply' },
  { code: 'utilities.power', nameZh: '供电', nameEn: 'Power supply' },
  { code: 'utilities.gas', nameZh: '燃气', nameEn: 'Gas' },
  { code: 'utilities.heating', nameZh: '供暖', nameEn: 'Heating' },
  { code: 'construction', nameZh: '城乡建设', nameEn: 'Urban and rural construction' },
  { code: 'transport', nameZh: '交通出行', nameEn: 'Transport' },
  { code: 'environment', nameZh: '生态环境', nameEn: 'Ecology and environment' },
  { code: 'market', nameZh: '市场监管', nameEn: 'Market regulation' },
  { code: 'labour', nameZh: '劳动社保', nameEn: 'Labour and social security' },
  { code: 'education', nameZh: '教育', nameEn: 'Education' },
  { code: 'health', nameZh: '医疗卫生', nameEn: 'Health care' },
  { code: 'housing', nameZh: '住房物业', nameEn: 'Housing and property management' },
  { code: 'security', nameZh: '公共安全', nameEn: 'Public security' },
  { code: 'agriculture', nameZh: '农业农村', nameEn: 'Agriculture and rural affairs' },
  { code: 'civil', nameZh: '民政服务', nameEn: 'Civil affairs' },
  { code: 'government', nameZh: '政务服务', nameEn: 'Government services' },
  { code: 'other', nameZh: '其他', nameEn: 'Other' },
];

const csvRows = (url: URL): string[][] =>
  readFileSync(url, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',').map((s) => s.trim()));

const en = (zh: string): string => {
  const name = EN[zh];
  if (!name) throw new Error(`standard categories: no English name for ${zh}`);
  return name;
};

let cached: StandardCategory[] | undefined;

/** Every standard category, parents before children, sort order by file order within each parent. */
export function standardCategories(): StandardCategory[] {
  if (cached) return cached;
  const out: StandardCategory[] = [
    { code: 'component', parentCode: null, kind: 'component', nameZh: '部件', nameEn: 'City components', componentSubclass: null, sortOrder: 10 },
    { code: 'event', parentCode: null, kind: 'event', nameZh: '事件', nameEn: 'City events', componentSubclass: null, sortOrder: 20 },
  ];
  const seen = new Set<string>();
  let classOrder = 0;
  let subOrder = 0;
  for (const row of csvRows(COMPONENTS_CSV)) {
    const [classCode, className, subCode, subName] = row;
    if (!classCode || !className || !subCode || !subName || !/^[0-9]{2}$/.test(classCode) || !subCode.startsWith(classCode)) throw new Error(`components.csv: bad line ${row.join(',')}`);
    const parent = `component.${classCode}`;
    if (!seen.has(parent)) {
      seen.add(parent);
      subOrder = 0;
      out.push({ code: parent, parentCode: 'component', kind: 'component', nameZh: className, nameEn: en(className), componentSubclass: null, sortOrder: ++classOrder * 10 });
    }
    out.push({ code: `${parent}.${subCode}`, parentCode: parent, kind: 'component', nameZh: subName, nameEn: en(subName), componentSubclass: subCode, sortOrder: ++subOrder * 10 });
  }
  classOrder = 0;
  for (const row of csvRows(EVENTS_CSV)) {
    const [classCode, className, examples] = row;
    if (!classCode || !className || !examples || !/^[0-9]{2}$/.test(classCode)) throw new Error(`events.csv: bad line ${row.join(',')}`);
    const parent = `event.${classCode}`;
    out.push({ code: parent, parentCode: 'event', kind: 'event', nameZh: className, nameEn: en(className), componentSubclass: null, sortOrder: ++classOrder * 10 });
    examples.split(';').forEach((name, i) => {
      const n = String(i + 1).padStart(2, '0');
      out.push({ code: `${parent}.${n}`, parentCode: parent, kind: 'event', nameZh: name.trim(), nameEn: en(name.trim()), componentSubclass: null, sortOrder: (i + 1) * 10 });
    });
  }
  let top = 2;
  let child = 0;
  for (const h of HOTLINE) {
    const parentCode = h.code.includes('.') ? h.code.slice(0, h.code.lastIndexOf('.')) : null;
    out.push({ ...h, parentCode, kind: 'hotline', componentSubclass: null, sortOrder: parentCode ? ++child * 10 : ++top * 10 });
  }
  cached = out;
  return out;
}
