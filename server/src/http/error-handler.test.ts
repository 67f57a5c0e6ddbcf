import { describe, expect, it } from 'vitest';
import { fromDatabase } from '../db/unavailable.js';
import { AppError } from '../shared/errors.js';
import { statusOf, toAppError } from './error-handler.js';

const pgError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('toAppError: what the database driver throws', () => {
  it('a database that cannot be reached is 503 db.unavailable with a retry time', () => {
    const e = toAppError(fromDatabase(pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')), 1024);
    expect(e).toMatchObject({ kind: 'unavailable', code: 'db.unavailable', params: { retryAfterSeconds: 5 } });
    expect(statusOf(e.kind)).toBe(503);
  });

  it("a request body cut off by its client (ECONNRESET on the request stream) is the client's 400, not a database outage", () => {
    // What Fastify passes on when the client aborts mid-body: Node's 'aborted' error, given status 400.
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 });
    expect(toAppError(aborted, 1024)).toMatchObject({ kind: 'bad_request', code: 'request.invalid' });
    expect(toAppError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' }), 1024)).toMatchObject({ kind: 'internal' });
  });

  it('a transaction rolled back for a concurrent one (deadlock, serialization) is 409 request.concurrent_change', () => {
    for (const code of ['40P01', '40001']) {
      const e = toAppError(pgError('deadlock detected', code), 1024);
      expect(e).toMatchObject({ kind: 'conflict', code: 'request.concurrent_change' });
      expect(statusOf(e.kind)).toBe(409);
    }
  });

  it("any other database error stays a 500 without internals, and an AppError is kept as it is", () => {
    expect(toAppError(pgError('duplicate key value violates unique constraint', '23505'), 1024)).toMatchObject({ kind: 'internal', code: 'internal' });
    const own = new AppError('not_found', 'work_order.not_found');
    expect(toAppError(own, 1024)).toBe(own);
  });
});
