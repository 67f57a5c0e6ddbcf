/**
 * An import that streams its progress: the answer is NDJSON — {"type":"progress",…} lines while `run` works, then
 * one {"type":"report",report} line, or {"type":"error",code,message} when it fails after the stream started. A
 * failure before the first line (e.g. a file that cannot be read at all) is an ordinary error answer.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { translate, type Locale } from '../../shared/i18n.js';

export async function replyNdjson<P extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  locale: Locale,
  run: (onProgress: (p: P) => void) => Promise<unknown>,
): Promise<FastifyReply> {
  let stream: PassThrough | null = null;
  const write = (line: object) => {
    if (!stream) {
      stream = new PassThrough();
      // A stream is piped as it is, never serialised against a response schema.
      void reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(stream as never);
    }
    stream.write(`${JSON.stringify(line)}\n`);
  };
  try {
    write({ type: 'report', report: await run((p) => write({ type: 'progress', ...p })) });
  } catch (err) {
    if (!stream) throw err;
    request.log.error({ err }, 'an import failed after it started');
    const code = err instanceof AppError ? err.code : 'internal';
    write({ type: 'error', code, message: translate(locale, code, err instanceof AppError ? err.params : {}) });
  }
  (stream as PassThrough | null)?.end();
  return reply;
}
