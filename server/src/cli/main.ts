#!/usr/bin/env node
/**
 * `civicgrid <command>` — the command-line entry point. Exit codes: 0 ok, 1 the command failed, 2 usage or
 * configuration error; an error is one line on stderr. Commands other than `serve` are functions in
 * src/ops/commands.ts that run here or, when a running server holds the embedded database, inside that server
 * (see cli/dispatch.ts and ops/admin-channel.ts).
 */
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { MigrationError } from '../db/migrate.js';
import { StorageBusyError } from '../db/storage.js';
import { COMMANDS } from '../ops/commands.js';
import { localeFromEnvironment, UsageError } from '../ops/command.js';
import { startServer } from '../server.js';
import { dispatch } from './dispatch.js';

const locale = localeFromEnvironment();

function fail(line: string, code: 1 | 2): never {
  process.stderr.write(`civicgrid: ${line}\n`);
  process.exit(code);
}

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

/** Runs a command from src/ops/commands.ts and exits with its code. */
async function run(name: string, args: Record<string, unknown>): Promise<void> {
  const result = await dispatch(config(), COMMANDS, name, args, locale);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

const program = new Command()
  .name('civicgrid')
  .description(
    'CivicGrid — city digital-governance platform. Configuration comes from the environment (DATA_DIR, ' +
      'DATABASE_URL, …; see README.md). Commands work whether or not the server is running: with the embedded ' +
      'database they reach a running server through its admin channel (DATA_DIR/admin.sock). ' +
      'Exit codes: 0 ok, 1 failure, 2 usage or configuration error.',
  )
  .showHelpAfterError()
  .exitOverride();

program
  .command('serve')
  .description('Start the server (production: migrates, no demo data). --demo seeds the demo city when the database is empty.')
  .option('--demo', 'seed the demo jurisdiction chengdu.gov.cn on an empty database')
  .action(async (opts: { demo?: boolean }) => {
    const cfg = config();
    let server;
    try {
      server = await startServer(cfg, { demo: opts.demo ?? false });
    } catch (err) {
      if (err instanceof StorageBusyError) fail(`${err.message}; stop it first or point DATA_DIR elsewhere`, 1);
      if (err instanceof MigrationError) fail(err.message, 1);
      throw err;
    }
    process.stderr.write(`CivicGrid listening on ${server.url} (storage: ${server.ctx.storage.kind})\n`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void server.stop().then(() => process.exit(0));
      });
    }
  });

program
  .command('migrate')
  .description('Apply pending database migrations (all in one transaction; a failure changes nothing).')
  .action(() => run('migrate', {}));

program
  .command('backup')
  .description('Write a logical backup (gzip JSON lines) of every table to FILE. Works on PGlite and PostgreSQL.')
  .argument('<file>', 'where to write the backup (must not exist)')
  .action((file: string) => run('backup', { file: path.resolve(file) }));

program
  .command('restore')
  .description(
    'Restore a backup into an empty database (a brand-new one is migrated first). Refuses a database with ' +
      'any rows or a different migration set; runs in one transaction.',
  )
  .argument('<file>', 'a file written by `civicgrid backup`')
  .action((file: string) => run('restore', { file: path.resolve(file) }));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed help or the usage error.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof UsageError) fail(err.message, 2);
  if (err instanceof ConfigError) fail(err.message, 2);
  fail(err instanceof Error ? err.message : String(err), 1);
}
