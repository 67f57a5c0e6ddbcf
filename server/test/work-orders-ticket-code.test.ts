/**
 * Ticket codes: format, the Asia/Shanghai day, and allocation without duplicates or gaps under parallel
 * transactions (real parallel connections on PostgreSQL; PGlite's single connection queues them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../src/db/storage.js';
import { allocateTicketCode, formatTicketCode, parseTicketCode, setTicketPrefix, shanghaiDay } from '../src/modules/work-orders/index.js';
import { AppError } from '../src/shared/errors.js';
import { createTestStorage, testStorageKind } from './db.js';
import { makeJurisdiction } from './factories.js';

let storage: Storage;

beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => {
  await storage?.close();
});

const allocate = (jurisdictionId: string, now: Date) => storage.db.transaction().execute((tx) => allocateTicketCode(tx, jurisdictionId, now));

describe('ticket code format', () => {
  it('writes and reads prefix + local day + 6-digit sequence', () => {
    expect(formatTicketCode('CD', '2026-11-22', 123)).toBe('CD20261122000123');
    expect(parseTicketCode('cd20261122000123')).toEqual({ prefix: 'CD', day: '2026-11-22', sequence: 123 });
    expect(parseTicketCode('CD2026112200012')).toBeNull();
    expect(() => formatTicketCode('cd', '2026-11-22', 1)).toThrow(RangeError);
    expect(() => formatTicketCode('CD', '2026-11-22', 1_000_000)).toThrow(RangeError);
  });

  it('dates by the Asia/Shanghai day', () => {
    expect(shanghaiDay(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
    expect(shanghaiDay(new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
  });
});

describe(`ticket code allocation (${testStorageKind})`, () => {
  it('gives 200 parallel creates 200 distinct, consecutive numbers', async () => {
    const { id } = await makeJurisdiction(storage.db);
    await setTicketPrefix(storage.db, id, 'CD');
    const now = new Date('2026-11-22T02:00:00Z');
    const codes = await Promise.all(Array.from({ length: 200 }, () => allocate(id, now)));
    expect(new Set(codes).size).toBe(200);
    const sequences = codes.map((c) => parseTicketCode(c)!.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(codes.every((c) => c.startsWith('CD20261122'))).toBe(true);
  });

  it('counts per jurisdiction and per local day, with the default prefix until one is set', async () => {
    const a = (await makeJurisdiction(storage.db)).id;
    const b = (await makeJurisdiction(storage.db)).id;
    expect(await allocate(a, new Date('2026-11-22T15:59:59Z'))).toBe('GD20261122000001');
    expect(await allocate(a, new Date('2026-11-22T16:00:00Z'))).toBe('GD20261123000001');
    expect(await allocate(b, new Date('2026-11-22T10:00:00Z'))).toBe('GD20261122000001');
    await setTicketPrefix(storage.db, a, 'SL');
    expect(await allocate(a, new Date('2026-11-22T10:00:00Z'))).toBe('SL20261122000002');
    const err = await setTicketPrefix(storage.db, a, 'sl').catch((e: unknown) => e);
    expect((err as AppError).code).toBe('work_order.ticket_prefix_invalid');
  });

  it('returns the number of a create that rolled back', async () => {
    const { id } = await makeJurisdiction(storage.db);
    const now = new Date('2026-11-22T02:00:00Z');
    await expect(
      storage.db.transaction().execute(async (tx) => {
        expect(await allocateTicketCode(tx, id, now)).toBe('GD20261122000001');
        throw new Error('insert failed');
      }),
    ).rejects.toThrow('insert failed');
    expect(await allocate(id, now)).toBe('GD20261122000001');
  });

  it('refuses, rather than wraps, once the day’s numbers are used up', async () => {
    const { id } = await makeJurisdiction(storage.db);
    await storage.db.insertInto('work_order_code_counters').values({ jurisdiction_id: id, day: '2026-11-22', last_seq: 999_998 }).execute();
    const now = new Date('2026-11-22T02:00:00Z');
    expect(await allocate(id, now)).toBe('GD20261122999999');
    const err = await allocate(id, now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('work_order.codes_exhausted');
    expect(await allocate(id, new Date('2026-11-23T02:00:00Z'))).toBe('GD20261123000001');
  });
});
