/**
 * What an administrative command is: a function of (context, arguments) that returns what to print and an
 * exit code. The CLI runs it in its own process when it can open the database, or sends it over the admin
 * channel to the running server, which runs the same function with its own context — so a command behaves
 * the same either way, and there is one place (here) that turns failures into one line and an exit code.
 */
import { userInfo } from 'node:os';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { MigrationError, migrationStatus } from '../db/migrate.js';
import { systemActor, type Actor } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { translate, type Locale } from '../shared/i18n.js';

/** 0 ok, 1 the command failed, 2 usage or configuration error. */
export type ExitCode = 0 | 1 | 2;

export interface CommandResult {
  exitCode: ExitCode;
  stdout: string;
  stderr: string;
}

export interface CommandIo {
  /** The command's result proper (a key, a report) — what a script captures. */
  out(text: string): void;
  /** Progress and details for the person at the terminal. */
  err(text: string): void;
  locale: Locale;
  /** Who is acting, for the audit log. */
  actor: Actor;
  /** Live progress, one line redrawn in place; absent when nobody watches a terminal (admin channel, scripts). */
  progress?: (text: string) => void;
}

export interface OpsCommand<S extends z.ZodType = z.ZodType> {
  args: S;
  /** Most commands need the schema current; `migrate` and `restore` bring it there themselves. */
  needsCurrentSchema: boolean;
  run(ctx: AppContext, args: z.infer<S>, io: CommandIo): Promise<ExitCode | void>;
}

export function defineCommand<S extends z.ZodType>(command: OpsCommand<S>): OpsCommand<S> {
  return command;
}

/** A usage problem found by the command itself (exit 2). */
export class UsageError extends Error {}

export function cliActor(): Actor {
  let name = 'cli';
  try {
    name = `cli:${userInfo().username}`;
  } catch {
    // No passwd entry (some containers): the plain name still says where the change came from.
  }
  return systemActor(name);
}

/** One line, in the caller's language where we have the message. */
export function describeError(err: unknown, locale: Locale): { line: string; exitCode: ExitCode } {
  if (err instanceof AppError) {
    return { line: translate(locale, err.code, err.params), exitCode: err.kind === 'bad_request' ? 2 : 1 };
  }
  if (err instanceof z.ZodError) {
    const parts = err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    return { line: `invalid arguments: ${parts.join('; ')}`, exitCode: 2 };
  }
  if (err instanceof UsageError) return { line: err.message, exitCode: 2 };
  if (err instanceof MigrationError) return { line: err.message, exitCode: 1 };
  const message = err instanceof Error ? err.message : String(err);
  return { line: message.split('\n')[0] ?? 'failed', exitCode: 1 };
}

export async function runCommand(
  ctx: AppContext,
  commands: Readonly<Record<string, OpsCommand>>,
  name: string,
  rawArgs: unknown,
  options: { locale: Locale; actor?: Actor; progress?: (text: string) => void },
): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    locale: options.locale,
    actor: options.actor ?? cliActor(),
    ...(options.progress ? { progress: options.progress } : {}),
  };
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) return { exitCode: 2, stdout: '', stderr: `unknown command: ${name}\n` };
  try {
    const args = command.args.parse(rawArgs ?? {});
    if (command.needsCurrentSchema) {
      const status = await migrationStatus(ctx.db);
      if (status.problems.length > 0) throw new MigrationError(status.problems.join('; '));
      if (status.pending.length > 0) {
        throw new AppError('unavailable', 'ops.not_migrated', { pending: status.pending.join(', ') });
      }
    }
    const code = (await command.run(ctx, args, io)) ?? 0;
    return { exitCode: code, stdout, stderr };
  } catch (err) {
    const { line, exitCode } = describeError(err, options.locale);
    if (exitCode === 1 && !(err instanceof AppError) && !(err instanceof MigrationError)) {
      ctx.log.error({ err, command: name }, 'admin command failed');
    }
    return { exitCode, stdout, stderr: `${stderr}${line}\n` };
  }
}

export function localeFromEnvironment(env: NodeJS.ProcessEnv = process.env): Locale {
  const lang = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(lang) ? 'zh-CN' : 'en';
}
