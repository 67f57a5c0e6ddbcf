/**
 * Telling a database that cannot be reached from a statement that went wrong: the first is answered 503
 * db.unavailable (the request can be retried; the pool opens new connections once the server is back), the second is
 * the statement's own error.
 */

/** Node's codes of a connection that could not be opened or was lost. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a server that is going away or not taking connections (class 08 is matched by prefix). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres's own errors for a connection that timed out, ended or broke. */
const CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Connection is closed)/;

/**
 * Whether an error means the database could not be reached (refused, cut, timed out, shutting down) rather than
 * that a statement was wrong: such a request is answered 503 db.unavailable and can be retried.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (CONNECTION_MESSAGES.test(err.message)) return true;
  // Connecting to several addresses fails with all their errors together.
  return err instanceof AggregateError && err.errors.length > 0 && err.errors.every(isDatabaseUnavailable);
}
