/**
 * A proxy label for a letter to the Shangluo mayor's mailbox (../shared/data/12345, MIT): the letters carry no
 * category, only the agency that answered (`reply_agency`) and the answer. The label is the 12345 top-level
 * category (shared contract) of the agency that handled the letter:
 *
 * 1. A line agency that answered itself maps by its name (商洛市住房和城乡建设局 → construction, …).
 * 2. A general office (县/区政府办, 市信息办, 市信息中心 …) forwards letters: the first line agency its answer names
 *    (after dropping the "已转…阅处" forwarding note) decides (立即责成区水务局… → utilities.water).
 * 3. Otherwise the letter is dropped (no label: better no example than a wrong one).
 *
 * Limits: this labels "who answered", not "what it is about" — a question about teachers' pay answered by the
 * finance bureau is dropped, one answered by 人社局 becomes labour; an answer that names several agencies counts
 * the first. See data/README.md.
 */

export interface AgencyRule {
  label: string;
  pattern: RegExp;
}

/** Line agencies by name. Order matters only within one position (the longer, more specific names first). */
export const AGENCY_RULES: readonly AgencyRule[] = [
  { label: 'transport', pattern: /交警|交通警察|交通运输局|交通局|公路管理|公路局|车管所|运管/ },
  { label: 'security', pattern: /公安局|公安分局|派出所/ },
  { label: 'construction', pattern: /住建局|住房和城乡建设|建设局|城市管理局|城管局|城管执法|城管监察|自然资源局|国土局|国土资源局|规划局|综合管廊/ },
  { label: 'housing', pattern: /物业管理办公室|房管局|房管中心|住房公积金|保障性住房|安置协调|惠民小区建设/ },
  { label: 'labour', pattern: /人社局|人力资源和社会保障|人力和社会保障|社会保障事业|养老保险经办|就业局|劳动监察/ },
  { label: 'education', pattern: /教育局|教体局|科教体局|教育体育局|招生办|招生考试/ },
  { label: 'health', pattern: /卫健委|卫健局|卫生健康|卫生和计划生育|卫生局|医疗保障局|医保局|疾控中心/ },
  { label: 'market', pattern: /市场监管|市场监督管理|物价局|商务局/ },
  { label: 'environment', pattern: /生态环境|环境保护|环保局|林业局/ },
  { label: 'utilities.water', pattern: /水务局|水利局|供水公司|自来水公司/ },
  { label: 'utilities.power', pattern: /供电公司|供电局|电力公司/ },
  { label: 'utilities.gas', pattern: /天然气公司|天然气有限公司|燃气公司/ },
  { label: 'utilities.heating', pattern: /热力公司|供热公司/ },
  { label: 'agriculture', pattern: /农业农村局|农业局|农机局|扶贫开发局|扶贫局|乡村振兴局/ },
  { label: 'civil', pattern: /民政局|残疾人联合会|残联|退役军人事务/ },
];

/** Offices that forward letters rather than handle them: their answer's content decides. */
const GENERAL_OFFICE = /政府办|人民政府|政府$|信息办|信息中心|政务信息|政务服务/;

/** The forwarding note every answer starts with ("你反映的问题已转商州区人民政府阅处。"). */
const FORWARD_NOTE = /已转[^。，,]*?阅处/g;

/** The rule matching earliest in `text` (an answer: the agency it names first), or null. */
export function firstAgency(text: string): string | null {
  let best: { at: number; label: string } | null = null;
  for (const rule of AGENCY_RULES) {
    const m = rule.pattern.exec(text);
    if (m && (best === null || m.index < best.at)) best = { at: m.index, label: rule.label };
  }
  return best?.label ?? null;
}

/** The rule matching last in an agency's name (the unit at the end is the most specific: 公安局交警支队 → transport). */
export function agencyByName(name: string): string | null {
  let best: { at: number; label: string } | null = null;
  for (const rule of AGENCY_RULES) {
    const g = new RegExp(rule.pattern.source, 'g');
    for (const m of name.matchAll(g)) if (best === null || m.index >= best.at) best = { at: m.index, label: rule.label };
  }
  return best?.label ?? null;
}

/** The proxy category of one letter, or null when it is to be dropped. */
export function mailboxLabel(replyAgency: string, reply: string): string | null {
  const agency = replyAgency.trim();
  if (!GENERAL_OFFICE.test(agency)) {
    const byName = agencyByName(agency);
    if (byName) return byName;
  }
  return firstAgency(reply.replace(FORWARD_NOTE, ''));
}
