/**
 * The default masking policy for personal data shown to people who may not see it whole. It follows the de-facto
 * Chinese conventions (Hutool's DesensitizedUtil), and `../shared/data/vectors/published.json` (`masking`) is
 * reproduced by the test beside this file:
 *
 *   chinese_name   段正淳 → 段**            first character kept
 *   id_card        51343620000320711X → 5***************1X   first 1 and last 2 kept
 *   mobile         18049531999 → 180****1999                first 3 and last 4 kept
 *   landline       09157518479 → 0915*****79                first 4 and last 2 kept
 *   address        北京市海淀区马连洼街道289号 → 北京市海淀区马********   the last 8 characters hidden
 *   licence_plate  苏D40000 → 苏D4***0                        first 3 and last 1 kept (new-energy plates too)
 *
 * Characters are counted as code points, so a name with a rare character outside the BMP masks correctly.
 */
export type MaskKind = 'chinese_name' | 'id_card' | 'mobile' | 'landline' | 'address' | 'licence_plate';

const chars = (s: string) => [...s];

/** Keeps `front` leading and `back` trailing characters and stars the rest (nothing kept when too short). */
function keep(value: string, front: number, back: number): string {
  const c = chars(value);
  if (c.length <= front + back) return '*'.repeat(c.length);
  return c.slice(0, front).join('') + '*'.repeat(c.length - front - back) + c.slice(c.length - back).join('');
}

export function maskChineseName(name: string): string {
  const c = chars(name.trim());
  if (c.length === 0) return '';
  return c[0] + '*'.repeat(Math.max(1, c.length - 1));
}

export const maskIdCard = (id: string): string => keep(id.trim(), 1, 2);

export const maskMobile = (phone: string): string => keep(phone.replace(/[\s-]/g, ''), 3, 4);

export const maskLandline = (phone: string): string => keep(phone.replace(/[\s-]/g, ''), 4, 2);

export function maskAddress(address: string, hidden = 8): string {
  const c = chars(address.trim());
  if (c.length <= hidden) return '*'.repeat(c.length);
  return c.slice(0, c.length - hidden).join('') + '*'.repeat(hidden);
}

export const maskLicencePlate = (plate: string): string => keep(plate.trim(), 3, 1);

/** A phone number of either kind: mainland mobiles (1[3-9]…, 11 digits, optional +86) as mobile, others as landline. */
export function maskPhoneNumber(phone: string): string {
  const digits = phone.replace(/[\s-]/g, '').replace(/^\+?86(?=1[3-9]\d{9}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? maskMobile(digits) : maskLandline(digits);
}

export function mask(kind: MaskKind, value: string): string {
  switch (kind) {
    case 'chinese_name':
      return maskChineseName(value);
    case 'id_card':
      return maskIdCard(value);
    case 'mobile':
      return maskMobile(value);
    case 'landline':
      return maskLandline(value);
    case 'address':
      return maskAddress(value);
    case 'licence_plate':
      return maskLicencePlate(value);
  }
}
