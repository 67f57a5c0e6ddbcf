/**
 * Phone numbers are personal data. We keep them encrypted (AES-256-GCM, key derived from config.secretKey with
 * HKDF) plus an HMAC for lookup; one-time codes are kept only as an HMAC. Nothing here touches the database.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { safeEqual } from './credentials.js';

const MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;

/** The 11-digit mainland mobile number, or null (accepts an optional +86 / 86 prefix, spaces and dashes). */
export function normalisePhone(input: string): string | null {
  const m = MOBILE.exec(input.replace(/[\s-]/g, ''));
  return m ? m[1]! : null;
}

/** 138****1234 */
export const maskPhone = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

const keys = new Map<string, { enc: Buffer; mac: Buffer }>();
function keysFor(secretKey: string) {
  let k = keys.get(secretKey);
  if (!k) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', secretKey, 'civicgrid-personal-data', info, 32));
    k = { enc: derive('phone-encryption'), mac: derive('phone-lookup') };
    keys.set(secretKey, k);
  }
  return k;
}

/** Deterministic lookup key for a phone number (HMAC-SHA-256, hex). */
export function phoneLookup(secretKey: string, phone: string): string {
  return createHmac('sha256', keysFor(secretKey).mac).update(`phone:${phone}`).digest('hex');
}

/**
 * GCM nonces: 96 random bits each, drawn from the CSPRNG 256 at a time (one `randomBytes` call costs about as much
 * as the encryption of a name; a create seals two values). Each nonce is a fresh slice of a new buffer, never
 * handed out twice.
 */
const IV_BYTES = 12;
const IV_POOL = IV_BYTES * 256;
let ivPool = Buffer.alloc(0);
let ivAt = 0;
function nextIv(): Buffer {
  if (ivAt + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL);
    ivAt = 0;
  }
  const iv = ivPool.subarray(ivAt, ivAt + IV_BYTES);
  ivAt += IV_BYTES;
  return iv;
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function sealPersonal(secretKey: string, plain: string): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', keysFor(secretKey).enc, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function openPersonal(secretKey: string, sealed: string): string {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', keysFor(secretKey).enc, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Six digits, uniformly drawn from a CSPRNG. */
export const newPhoneCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** The stored form of a code: bound to the phone lookup key, so a code row is useless for another number. */
export function codeDigest(secretKey: string, phoneHmac: string, code: string): string {
  return createHmac('sha256', secretKey).update(`phone-code:${phoneHmac}:${code}`).digest('hex');
}

export const codeMatches = (secretKey: string, phoneHmac: string, code: string, stored: string): boolean =>
  safeEqual(codeDigest(secretKey, phoneHmac, code), stored);

/** Resident usernames: `r` + 10 hex of the phone's HMAC (stable, reveals nothing). */
export const residentUsername = (phoneHmac: string): string => `r${phoneHmac.slice(0, 10)}`;
