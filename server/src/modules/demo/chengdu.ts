/**
 * The demo city: 成都市 (Chengdu, GB/T 2260 510100), its 20 districts and counties (boundaries from
 * data/chengdu-districts.geojson, see data/NOTICE.md), a department tree and one account per role.
 * Street and community departments carry no division code: we do not invent official 9/12-digit codes.
 */
import type { GrantInput, Role } from '../identity/index.js';

export const JURISDICTION = { id: 'chengdu.gov.cn', nameZh: '成都市', nameEn: 'Chengdu', divisionCode: '510100' };

export const DISTRICT_NAMES_EN: Record<string, string> = {
  '510104': 'Jinjiang District',
  '510105': 'Qingyang District',
  '510106': 'Jinniu District',
  '510107': 'Wuhou District',
  '510108': 'Chenghua District',
  '510112': 'Longquanyi District',
  '510113': 'Qingbaijiang District',
  '510114': 'Xindu District',
  '510115': 'Wenjiang District',
  '510116': 'Shuangliu District',
  '510121': 'Jintang County',
  '510124': 'Pidu District',
  '510129': 'Dayi County',
  '510131': 'Pujiang County',
  '510132': 'Xinjin County',
  '510180': 'Jianyang',
  '510181': 'Dujiangyan',
  '510182': 'Pengzhou',
  '510183': 'Qionglai',
  '510184': 'Chongzhou',
};

export interface DemoDepartment {
  code: string;
  parent: string | null;
  kind: 'government' | 'district' | 'street' | 'community' | 'functional' | 'unit';
  nameZh: string;
  nameEn: string;
  divisionCode?: string;
}

/** City government and its functional departments; district governments are added from the divisions. */
export const CITY_DEPARTMENTS: DemoDepartment[] = [
  { code: 'cd-gov', parent: null, kind: 'government', nameZh: '成都市人民政府', nameEn: 'Chengdu Municipal Government', divisionCode: '510100' },
  { code: 'cd-12345', parent: 'cd-gov', kind: 'functional', nameZh: '12345政务服务便民热线中心', nameEn: '12345 Government Service Hotline Centre' },
  { code: 'cd-zhzx', parent: 'cd-gov', kind: 'functional', nameZh: '城市运行管理指挥中心', nameEn: 'City Operations Command Centre' },
  { code: 'cd-wlzb', parent: 'cd-gov', kind: 'functional', nameZh: '网络理政办公室', nameEn: 'Office of Online Governance and Data' },
  { code: 'cd-cgj', parent: 'cd-gov', kind: 'functional', nameZh: '城市管理局', nameEn: 'Urban Management Bureau' },
  { code: 'cd-cgj-zfzd', parent: 'cd-cgj', kind: 'unit', nameZh: '城市管理综合执法支队', nameEn: 'Urban Management Enforcement Brigade' },
  { code: 'cd-cgj-hwc', parent: 'cd-cgj', kind: 'unit', nameZh: '环境卫生管理处', nameEn: 'Sanitation Division' },
  { code: 'cd-zjj', parent: 'cd-gov', kind: 'functional', nameZh: '住房和城乡建设局', nameEn: 'Housing and Urban-Rural Development Bureau' },
  { code: 'cd-jtj', parent: 'cd-gov', kind: 'functional', nameZh: '交通运输局', nameEn: 'Transport Bureau' },
  { code: 'cd-sthjj', parent: 'cd-gov', kind: 'functional', nameZh: '生态环境局', nameEn: 'Ecology and Environment Bureau' },
  { code: 'cd-swj', parent: 'cd-gov', kind: 'functional', nameZh: '水务局', nameEn: 'Water Affairs Bureau' },
  { code: 'cd-scjgj', parent: 'cd-gov', kind: 'functional', nameZh: '市场监督管理局', nameEn: 'Market Regulation Bureau' },
  // Departments and utility companies the responsibility list (work-orders/demo-responsibility.ts) dispatches to.
  { code: 'cd-gyj', parent: 'cd-gov', kind: 'functional', nameZh: '公园城市建设管理局', nameEn: 'Park City Construction and Management Bureau' },
  { code: 'cd-gaj', parent: 'cd-gov', kind: 'functional', nameZh: '公安局', nameEn: 'Public Security Bureau' },
  { code: 'cd-jyj', parent: 'cd-gov', kind: 'functional', nameZh: '教育局', nameEn: 'Education Bureau' },
  { code: 'cd-wjw', parent: 'cd-gov', kind: 'functional', nameZh: '卫生健康委员会', nameEn: 'Health Commission' },
  { code: 'cd-rsj', parent: 'cd-gov', kind: 'functional', nameZh: '人力资源和社会保障局', nameEn: 'Human Resources and Social Security Bureau' },
  { code: 'cd-nyj', parent: 'cd-gov', kind: 'functional', nameZh: '农业农村局', nameEn: 'Agriculture and Rural Affairs Bureau' },
  { code: 'cd-mzj', parent: 'cd-gov', kind: 'functional', nameZh: '民政局', nameEn: 'Civil Affairs Bureau' },
  { code: 'cd-swj-water', parent: 'cd-swj', kind: 'unit', nameZh: '自来水公司', nameEn: 'Water Supply Company' },
  { code: 'cd-power', parent: 'cd-gov', kind: 'unit', nameZh: '供电公司', nameEn: 'Power Supply Company' },
  { code: 'cd-gas', parent: 'cd-gov', kind: 'unit', nameZh: '燃气公司', nameEn: 'Gas Company' },
];

/** A few streets and communities in the central district (锦江区, 510104). */
export const JINJIANG_LOCAL: DemoDepartment[] = [
  { code: 'cd-510104-chunxilu', parent: 'cd-510104', kind: 'street', nameZh: '春熙路街道', nameEn: 'Chunxilu Subdistrict' },
  { code: 'cd-510104-chunxilu-hongxing', parent: 'cd-510104-chunxilu', kind: 'community', nameZh: '红星路社区', nameEn: 'Hongxinglu Community' },
  { code: 'cd-510104-chunxilu-zongfu', parent: 'cd-510104-chunxilu', kind: 'community', nameZh: '总府路社区', nameEn: 'Zongfulu Community' },
  { code: 'cd-510104-shuyuanjie', parent: 'cd-510104', kind: 'street', nameZh: '书院街街道', nameEn: 'Shuyuanjie Subdistrict' },
  { code: 'cd-510104-shuyuanjie-dongmen', parent: 'cd-510104-shuyuanjie', kind: 'community', nameZh: '东门街社区', nameEn: 'Dongmenjie Community' },
  { code: 'cd-510104-cgj', parent: 'cd-510104', kind: 'functional', nameZh: '锦江区城市管理局', nameEn: 'Jinjiang Urban Management Bureau' },
];

/** Grid codes (county 6 + street 3 + community 3 + grid 2) the demo inspector patrols. */
export const INSPECTOR_GRIDS = ['51010400100101', '51010400100102', '51010400100201'];

export interface DemoAccountSpec {
  username: Role;
  displayNameZh: string;
  departmentCode: string | null;
  grant: GrantInput;
  /** Human description of the scope, for the start-up banner. */
  scope: string;
}

const city = { kind: 'jurisdiction' as const };

export const ACCOUNTS: DemoAccountSpec[] = [
  { username: 'admin', displayNameZh: '系统管理员', departmentCode: 'cd-gov', grant: { role: 'admin', scope: city }, scope: 'jurisdiction' },
  { username: 'agent', displayNameZh: '热线话务员', departmentCode: 'cd-12345', grant: { role: 'agent', scope: city }, scope: 'jurisdiction' },
  { username: 'dispatcher', displayNameZh: '派遣员', departmentCode: 'cd-12345', grant: { role: 'dispatcher', scope: city }, scope: 'jurisdiction' },
  { username: 'handler', displayNameZh: '城管处置人员', departmentCode: 'cd-cgj-zfzd', grant: { role: 'handler', scope: { kind: 'department', departmentCode: 'cd-cgj' } }, scope: 'department cd-cgj (城市管理局) subtree' },
  { username: 'inspector', displayNameZh: '网格监督员', departmentCode: 'cd-510104-chunxilu', grant: { role: 'inspector', scope: { kind: 'grids', gridCodes: INSPECTOR_GRIDS } }, scope: `grids ${INSPECTOR_GRIDS.join(', ')}` },
  { username: 'operator', displayNameZh: '指挥中心值班员', departmentCode: 'cd-zhzx', grant: { role: 'operator', scope: city }, scope: 'jurisdiction' },
  { username: 'steward', displayNameZh: '数据管理员', departmentCode: 'cd-wlzb', grant: { role: 'steward', scope: city }, scope: 'jurisdiction' },
  { username: 'analyst', displayNameZh: '评估分析员', departmentCode: 'cd-wlzb', grant: { role: 'analyst', scope: city }, scope: 'jurisdiction' },
  { username: 'leader', displayNameZh: '市领导', departmentCode: 'cd-gov', grant: { role: 'leader', scope: city }, scope: 'jurisdiction' },
  { username: 'auditor', displayNameZh: '审计员', departmentCode: 'cd-gov', grant: { role: 'auditor', scope: city }, scope: 'jurisdiction' },
  { username: 'resident', displayNameZh: '市民', departmentCode: null, grant: { role: 'resident', scope: { kind: 'self' } }, scope: 'self' },
];
