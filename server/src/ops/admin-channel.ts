/**
 * The admin channel: how `civicgrid <command>` reaches a running server that owns an embedded database.
 *
 * PGlite is one process per data directory, so while the server runs the CLI cannot open the database. The
 * server listens on a Unix socket in DATA_DIR (mode 0600: only the account that runs the server — who could
 * read the data directory anyway — may connect). The protocol is one newline-delimited JSON request per
 * connection, `{ command, args, locale, actor }`, answered by one line `{ ok, stdout, stderr, exitCode }`.
 * The server runs the same command function the CLI would run locally, with its own context.
 *
 * Bounded: a request line is at most 1 MiB; commands run one at a time (they are administrative, and on
 * PGlite they share one backend with the API anyway) with at most a few waiting; more are refused as busy
 * rather than queued without limit. A client that sends nothing is dropped after a short timeout.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { translate, type Locale } from '../shared/i18n.js';
import { runCommand, type CommandResult, type OpsCommand } from './command.js';

export const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;

const requestSchema = z.object({
  command: z.string().min(1).max(100),
  args: z.record(z.string(), z.unknown()).default({}),
  locale: z.enum(['zh-CN', 'en']).default('en'),
  /** The OS account the CLI runs as, recorded as the audit actor. */
  user: z.string().max(100).optional(),
});

/** Unix socket paths are limited to ~107 bytes; a deep DATA_DIR gets a socket in the temp dir instead. */
export function adminSocketPath(dataDir: string): string {
  const inDir = path.join(path.resolve(dataDir), 'admin.sock');
  if (Buffer.byteLength(inDir) <= 100) return inDir;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `civicgrid-${key}.sock`);
}

export interface AdminChannel {
  readonly socketPath: string;
  close(): Promise<void>;
}

export async function startAdminChannel(
  ctx: AppContext,
  commands: Readonly<Record<string, OpsCommand>>,
  options: { socketPath?: string; maxWaiting?: number } = {},
): Promise<AdminChannel> {
  const socketPath = options.socketPath ?? adminSocketPath(ctx.config.dataDir);
  const maxWaiting = options.maxWaiting ?? 4;
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  const sockets = new Set<net.Socket>();

  const handle = async (line: string): Promise<CommandResult> => {
    let request: z.infer<typeof requestSchema>;
    try {
      request = requestSchema.parse(JSON.parse(line));
    } catch {
      return { exitCode: 2, stdout: '', stderr: 'admin channel: malformed request\n' };
    }
    if (waiting >= maxWaiting) {
      return { exitCode: 1, stdout: '', stderr: `${translate(request.locale as Locale, 'ops.channel_busy')}\n` };
    }
    waiting++;
    const run = queue.then(() =>
      runCommand(ctx, commands, request.command, request.args, {
        locale: request.locale as Locale,
        actor: { kind: 'system', id: null, name: `cli:${request.user ?? 'unknown'}`, jurisdictionId: null },
      }),
    );
    queue = run.catch(() => undefined).finally(() => waiting--);
    return run;
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    let buffered = '';
    let done = false;
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      if (done) return;
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) {
        if (Buffer.byteLength(buffered) > MAX_REQUEST_BYTES) {
          done = true;
          socket.end(`${JSON.stringify({ ok: false, exitCode: 2, stdout: '', stderr: 'admin channel: request too large\n' })}\n`);
        }
        return;
      }
      done = true;
      // The command may run for a while (a backup); the idle timeout only guards the request phase.
      socket.setTimeout(0);
      void handle(buffered.slice(0, nl)).then((result) => {
        if (!socket.destroyed) socket.end(`${JSON.stringify({ ok: result.exitCode === 0, ...result })}\n`);
      });
    });
  });

  // Bind under a private name, restrict, then move into place: nobody can connect before the chmod.
  // A socket file left by a crashed server is ours to replace — we hold the data directory's lock.
  const tmp = `${socketPath}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(tmp, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(tmp, 0o600);
  if (existsSync(socketPath)) rmSync(socketPath, { force: true });
  renameSync(tmp, socketPath);
  server.on('error', (err) => ctx.log.error({ err }, 'admin channel error'));
  ctx.log.info({ socket: socketPath }, 'admin channel listening');

  return {
    socketPath,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Let a running command finish; idle connections are dropped.
        for (const s of sockets) if (s.readableLength === 0 && s.writableLength === 0) s.end();
      });
      await queue.catch(() => undefined);
      rmSync(socketPath, { force: true });
    },
  };
}

export class ChannelUnreachableError extends Error {}

/** Sends one command to the running server and returns its result. */
export async function callAdminChannel(
  socketPath: string,
  request: { command: string; args: Record<string, unknown>; locale: Locale; user?: string },
): Promise<CommandResult> {
  return new Promise<CommandResult>((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffered = '';
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('error', (err) => fail(new ChannelUnreachableError(err.message)));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_RESPONSE_BYTES) fail(new Error('admin channel: response too large'));
    });
    socket.on('end', () => {
      if (settled) return;
      settled = true;
      try {
        const reply = JSON.parse(buffered.trim()) as CommandResult;
        resolve({ exitCode: reply.exitCode, stdout: reply.stdout ?? '', stderr: reply.stderr ?? '' });
      } catch {
        reject(new ChannelUnreachableError('the server closed the connection without an answer'));
      }
    });
  });
}
