/**
 * Strips the personal data we can recognise from citizens' letters before they become knowledge articles:
 * ID card numbers (18 and 15 digits) and other long digit runs (bank cards), e-mail addresses, mobile numbers,
 * landline numbers (letters only: in replies they are the agencies' public service numbers, which an answer
 * needs), and names introduced by 我叫 / 本人 / 姓名. Pure, and idempotent (the placeholders match nothing).
 *
 * It errs towards removing too much (a name followed by a place may lose a character of the place), never
 * towards leaving a name. It cannot find names that nothing introduces; articles are reviewed by stewards.
 */

export const PLACEHOLDER = { id: '[证件号]', email: '[邮箱]', phone: '[电话]', name: '[姓名]' } as const;

export interface RedactOptions {
  /** Also remove landline numbers (0914-2338613). Letters: yes; replies: no (agency numbers). Default true. */
  landlines?: boolean;
}

/** Common surnames (single and compound), enough to tell "本人张三" from "本人于2020年" or "本人及家属". */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐', '轩辕', '端木'];

const HAN = '\\p{Script=Han}';
const SURNAME = `(?:${COMPOUND_SURNAMES.join('|')}|[${SURNAMES}])`;
/** Where a name ends: a separator, or a word that commonly follows a name in a letter (我叫张三，家住…). */
const AFTER_NAME = '(?=[，,。．.、；;：:！!？?\\s（()）“”"\'0-9]|$|男|女|是|系|现|家|今年|现年|电话|手机|身份证|户籍|来自|在|于)';
const NAME_INTRO = '(我叫|我的名字叫|我名叫|本人叫|本人姓名[:：]?\\s*|姓名[:：]\\s*|姓名\\s+)';

const RULES: { re: RegExp; replace: (m: string, ...groups: string[]) => string }[] = [
  // 18-digit ID numbers (last may be X), 15-digit old ones, and any longer digit run (bank cards) — before phones.
  { re: /(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15,19})(?![0-9])/g, replace: () => PLACEHOLDER.id },
  { re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, replace: () => PLACEHOLDER.email },
  // Mainland mobiles, optionally +86 and with spaces or dashes as 3-4-4.
  { re: /(?<![0-9])(?:\+?86[-\s]?)?1[3-9][0-9](?:[-\s]?[0-9]{4}){2}(?![0-9])/g, replace: () => PLACEHOLDER.phone },
  // Names: 我叫 / 本人叫 / 姓名： take the shortest two to four Han characters that end where a name ends …
  { re: new RegExp(`${NAME_INTRO}(${HAN}{2,4}?)${AFTER_NAME}`, 'gu'), replace: (_m, intro) => `${intro}${PLACEHOLDER.name}` },
  // … or, when nothing marks the end (我叫陈佳洛南县人), three: one character too many beats a given name left.
  { re: new RegExp(`${NAME_INTRO}(${HAN}{2,3})`, 'gu'), replace: (_m, intro) => `${intro}${PLACEHOLDER.name}` },
  // 本人张三，… : only a known surname and a name ending make it a name (not 本人于2020年, 本人及家属, 本人向…申请).
  { re: new RegExp(`(本人)(${SURNAME}${HAN}{1,2}?)${AFTER_NAME}`, 'gu'), replace: (_m, intro) => `${intro}${PLACEHOLDER.name}` },
];

/** Landlines need their area code (0914-2338613, (029)88886666); a bare 7-8 digit run may be a date or an amount. */
const LANDLINE = /(?<![0-9])(?:[(（]0[0-9]{2,3}[)）]\s?|0[0-9]{2,3}[-－—\s]?)[2-9][0-9]{6,7}(?![0-9])/g;
/** Any 7-12 digit number right after 电话 / 联系方式 / 手机 / 微信 / QQ. */
const CONTACT = /(电话|联系方式|联系电话|手机|微信|QQ|qq)([:：\s号是为]*)[0-9][0-9-]{5,14}[0-9]/g;

export function redactPersonalData(text: string, options: RedactOptions = {}): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.re, rule.replace as (substring: string, ...args: string[]) => string);
  if (options.landlines ?? true) {
    out = out.replace(LANDLINE, PLACEHOLDER.phone);
    out = out.replace(CONTACT, (_m, word: string, sep: string) => `${word}${sep}${PLACEHOLDER.phone}`);
  }
  return out;
}
