import { createHash } from 'node:crypto';

/** Sessions are stored by the SHA-256 of their token (hex). */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
