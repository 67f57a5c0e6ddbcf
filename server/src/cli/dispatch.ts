/**
 * Runs an administrative command where the database is: in this process when we can open it, or through the
 * running server's admin channel when the embedded database is held by that server (StorageBusyError).
 * With DATABASE_URL there is no exclusivity, so the CLI always connects directly.
 */
import { userInfo } from 'node:os';
import pino from 'pino';
import type { Config } from '../config.js';
import { createContext } from '../context.js';
import { openStorage, StorageBusyError } from '../db/storage.js';
import { createModules } from '../modules/registry.js';
import { adminSocketPath, callAdminChannel, ChannelUnreachableError } from '../ops/admin-channel.js';
import { runCommand, type CommandResult, type OpsCommand } from '../ops/command.js';
import type { Locale } from '../shared/i18n.js';
import { translate } from '../shared/i18n.js';

export interface DispatchResult extends CommandResult {
  /** Where the command ran: here, or in the server process that holds the database. */
  via: 'local' | 'server';
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function dispatch(
  config: Config,
  commands: Readonly<Record<string, OpsCommand>>,
  name: string,
  args: Record<string, unknown>,
  locale: Locale,
  /** Live progress lines (local runs only: the admin channel answers once, at the end). */
  progress?: (text: string) => void,
): Promise<DispatchResult> {
  let storage;
  try {
    storage = await openStorage(config);
  } catch (err) {
    if (!(err instanceof StorageBusyError)) throw err;
    const socketPath = adminSocketPath(config.dataDir);
    try {
      const result = await callAdminChannel(socketPath, { command: name, args, locale, user: osUser() });
      return { ...result, via: 'server' };
    } catch (channelErr) {
      if (!(channelErr instanceof ChannelUnreachableError)) throw channelErr;
      const line = translate(locale, 'ops.channel_unreachable', {
        pid: err.pid,
        socket: socketPath,
        reason: channelErr.message,
      });
      return { exitCode: 1, stdout: '', stderr: `${line}\n`, via: 'local' };
    }
  }
  // Logs go to stderr and only when they matter: stdout may be a key a script is capturing.
  const level = ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'warn';
  const log = pino({ level, base: { service: 'civicgrid-cli' } }, pino.destination(2));
  const ctx = createContext(config, storage, log);
  try {
    // Modules register their event subscribers here, so events a command publishes reach them.
    createModules(ctx);
    const result = await runCommand(ctx, commands, name, args, { locale, ...(progress ? { progress } : {}) });
    return { ...result, via: 'local' };
  } finally {
    await storage.close();
  }
}
