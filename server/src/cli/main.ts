#!/usr/bin/env node
/** `civicgrid <command>` — the command-line entry point. */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { MigrationError } from '../db/migrate.js';
import { startServer } from '../server.js';

const program = new Command()
  .name('civicgrid')
  .description('CivicGrid — city digital-governance platform')
  .showHelpAfterError();

program
  .command('serve')
  .description('Start the server (production: migrates, no demo data). --demo seeds the demo city when empty.')
  .option('--demo', 'seed the demo jurisdiction chengdu.gov.cn on an empty database')
  .action(async (opts: { demo?: boolean }) => {
    const config = loadConfig();
    const server = await startServer(config, { demo: opts.demo ?? false });
    process.stderr.write(`CivicGrid listening on ${server.url} (storage: ${server.ctx.storage.kind})\n`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void server.stop().then(() => process.exit(0));
      });
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof MigrationError) {
    process.stderr.write(`civicgrid: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
