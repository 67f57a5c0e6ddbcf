import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres, type Storage } from './storage.js';
import { fromDatabase, isDatabaseUnavailable } from './unavailable.js';

const withCode = (message: string, code: string, more: object = {}) => Object.assign(new Error(message), { code, ...more });
/** As storage.ts passes them on from node-postgres and its pool. */
const fromPg = (message: string, code: string, more: object = {}) => fromDatabase(withCode(message, code, more));

describe('isDatabaseUnavailable', () => {
  it('is true for a database that cannot be reached, is going away or dropped the connection', () => {
    expect(isDatabaseUnavailable(fromPg('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', { syscall: 'connect' }))).toBe(true);
    expect(isDatabaseUnavailable(fromPg('read ECONNRESET', 'ECONNRESET', { syscall: 'read' }))).toBe(true);
    expect(isDatabaseUnavailable(fromPg('write EPIPE', 'EPIPE', { syscall: 'write' }))).toBe(true);
    expect(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('sorry, too many clients already', '53300'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // The pool's error for a host with several addresses holds each socket's error; the pool's mark covers them.
    expect(isDatabaseUnavailable(fromDatabase(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')])))).toBe(true);
  });

  it("is false for the same socket codes on the HTTP client's own connection (an aborted upload, a client gone)", () => {
    // What Node's HTTP server gives a request stream whose client went away mid-body, and a write to a closed socket.
    expect(isDatabaseUnavailable(withCode('aborted', 'ECONNRESET'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('write EPIPE', 'EPIPE', { syscall: 'write' }))).toBe(false);
    expect(isDatabaseUnavailable(withCode('read ECONNRESET', 'ECONNRESET', { syscall: 'read' }))).toBe(false);
    expect(isDatabaseUnavailable(new AggregateError([withCode('a', 'ECONNRESET'), withCode('b', 'EPIPE')]))).toBe(false);
  });

  it("is false for a statement's own error and for anything that is not an error", () => {
    expect(isDatabaseUnavailable(fromPg('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isDatabaseUnavailable(fromPg('canceling statement due to statement timeout', '57014'))).toBe(false);
    expect(isDatabaseUnavailable(fromPg('relation "x" does not exist', '42P01'))).toBe(false);
    expect(isDatabaseUnavailable(fromDatabase(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', '23505')])))).toBe(false);
    expect(isDatabaseUnavailable(new AggregateError([]))).toBe(false);
    expect(isDatabaseUnavailable('Connection terminated unexpectedly')).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe('errors of a PostgreSQL storage', () => {
  let storage: Storage | undefined;
  afterAll(async () => {
    await storage?.close();
  });

  it('are marked as the database’s: a refused connection is unavailable', async () => {
    // Port 1 on the loopback: nothing listens there, the connect is refused at once.
    storage = await openPostgres('postgres://postgres@127.0.0.1:1/none', { connectTimeoutMs: 2_000 });
    const err: unknown = await storage.db.selectFrom('jurisdictions').select('id').execute().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(err)).toBe(true);
  });
});
