/**
 * Telling a database that cannot be reached from a statement that went wrong: the first is answered 503
 * db.unavailable (the request can be retried; the pool opens new connections once the server is back), the second is
 * the statement's own error.
 *
 * Only the database's errors count. A socket error code (ECONNRESET, EPIPE, …) says nothing of whose socket it was:
 * a client that aborts its upload makes the request stream fail with ECONNRESET too, and that is not an outage. So
 * such codes count only on errors the driver or its pool threw, which storage.ts marks (fromDatabase) as they pass.
 * What node-postgres looks like in an outage (database-outage.test.ts provokes each): 'connect ECONNREFUSED
 * 127.0.0.1:5432' (code, syscall 'connect') from the pool; 'Connection terminated unexpectedly' when a connection in
 * use is cut; 'Connection terminated due to connection timeout' when connecting takes longer than the connect
 * timeout; SQLSTATE 57P01 and friends when PostgreSQL itself shuts down.
 */

/** What a 503 db.unavailable asks the client to wait before retrying; background loops retry as often. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Node's codes of a connection that could not be opened or was lost — on a database connection. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a server that is going away or not taking connections (class 08 is matched by prefix). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres's own errors for a connection that timed out, ended or broke. */
const CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Connection is closed)/;

const thrownByDatabase = new WeakSet<object>();

/** Marks an error as thrown by the database driver or its pool (storage.ts, for each connect and query); returns it. */
export function fromDatabase<E>(err: E): E {
  if (typeof err === 'object' && err !== null) thrownByDatabase.add(err);
  return err;
}

/**
 * Whether an error means the database could not be reached (refused, cut, timed out, shutting down) rather than
 * that a statement was wrong: such a request is answered 503 db.unavailable and can be retried.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return unavailable(err, false);
}

function unavailable(err: unknown, fromDriver: boolean): boolean {
  if (!(err instanceof Error)) return false;
  const marked = fromDriver || thrownByDatabase.has(err);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATEs come only from a PostgreSQL server; socket codes from any socket, so only the database's count.
    if (UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    if (CONNECTION_ERRNOS.has(code)) return marked;
  }
  if (CONNECTION_MESSAGES.test(err.message)) return true;
  // Connecting to several addresses fails with all their errors together (the pool's error holds the sockets').
  return err instanceof AggregateError && err.errors.length > 0 && err.errors.every((e) => unavailable(e, marked));
}
