/**
 * Every administrative command, by the name the CLI and the admin channel use. Arguments are validated here
 * (not only by the CLI's option parser), because the channel accepts them from another process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { migrate } from '../db/migrate.js';
import { AppError } from '../shared/errors.js';
import { backup, restore } from './backup.js';
import { defineCommand, type OpsCommand } from './command.js';

const absoluteFile = z
  .string()
  .min(1)
  .refine((p) => path.isAbsolute(p), 'must be an absolute path');

export const migrateCommand = defineCommand({
  args: z.object({}).strict(),
  needsCurrentSchema: false,
  async run(ctx, _args, io) {
    const applied = await migrate(ctx.db);
    io.err(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.');
  },
});

export const backupCommand = defineCommand({
  args: z.object({ file: absoluteFile }).strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    if (existsSync(args.file)) throw new AppError('conflict', 'ops.file_exists', { file: args.file });
    const started = Date.now();
    const summary = await backup(ctx.db, ctx.storage.kind, args.file);
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    io.err(
      `Backed up ${Object.keys(summary.tables).length} tables, ${rows} rows and ${summary.sequences} sequences ` +
        `from ${ctx.storage.kind} to ${args.file} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  },
});

export const restoreCommand = defineCommand({
  args: z.object({ file: absoluteFile }).strict(),
  needsCurrentSchema: false,
  async run(ctx, args, io) {
    if (!existsSync(args.file)) throw new AppError('bad_request', 'ops.file_missing', { file: args.file });
    const started = Date.now();
    const summary = await restore(ctx.db, args.file);
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    if (summary.migrated.length > 0) io.err(`Migrated the empty database first (${summary.migrated.length} migrations).`);
    io.err(
      `Restored ${Object.keys(summary.tables).length} tables, ${rows} rows and ${summary.sequences} sequences ` +
        `into ${ctx.storage.kind} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  },
});

/** Name → command. Names with a space are sub-commands (`user create`). */
export const COMMANDS: Readonly<Record<string, OpsCommand>> = {
  migrate: migrateCommand,
  backup: backupCommand,
  restore: restoreCommand,
};
