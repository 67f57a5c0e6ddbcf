/**
 * City component codes (部件编码), pure: county (6, GB/T 2260) + class (2) + subclass (2) + serial (6), e.g.
 * 3205820102048188 = county 320582, class 01 公用设施, subclass 02 污水井盖, serial 048188. Serials count up per
 * county and subclass from 000001; 000000 is never a component.
 */
const CODE = /^([0-9]{6})([0-9]{4})([0-9]{6})$/;
export const MAX_SERIAL = 999_999;

export interface ComponentCodeParts {
  county: string;
  classCode: string;
  serial: number;
}

export function parseComponentCode(code: string): ComponentCodeParts | null {
  const m = CODE.exec(code);
  if (!m) return null;
  const serial = Number(m[3]);
  if (serial === 0 || /^00/.test(m[2]!) || /00$/.test(m[2]!)) return null;
  return { county: m[1]!, classCode: m[2]!, serial };
}

export function componentCode(county: string, classCode: string, serial: number): string {
  if (!/^[0-9]{6}$/.test(county)) throw new RangeError(`county must be 6 digits: ${county}`);
  if (!/^[0-9]{4}$/.test(classCode)) throw new RangeError(`subclass must be 4 digits: ${classCode}`);
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_SERIAL) throw new RangeError(`serial out of range: ${serial}`);
  return `${county}${classCode}${String(serial).padStart(6, '0')}`;
}

/** The next serial after the highest in use, or null when the county's subclass is full. */
export function nextSerial(highest: number | null): number | null {
  const next = (highest ?? 0) + 1;
  return next > MAX_SERIAL ? null : next;
}

export const COMPONENT_STATUSES = ['normal', 'damaged', 'missing', 'under_repair'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];
