/**
 * Every administrative command, by the name the CLI and the admin channel use. Arguments are validated here
 * (not only by the CLI's option parser), because the channel accepts them from another process.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { migrate } from '../db/migrate.js';
import { verifyAuditLog } from '../modules/audit/index.js';
import { seedDemo } from '../modules/demo/index.js';
import { importGrids, shapefileToGeoJSON } from '../modules/grid/index.js';
import { createApiKey, createUser, isRole, resetPassword, revokeApiKey, type GrantInput } from '../modules/identity/index.js';
import { importKnowledgeCsv } from '../modules/knowledge/index.js';
import { latestMessageTo } from '../modules/messages/index.js';
import { attachmentBlobs, formatImportProgress, IMPORT_FORMATS, importJurisdiction, importRequests, retrainClassifiers } from '../modules/work-orders/index.js';
import { AppError } from '../shared/errors.js';
import { translate } from '../shared/i18n.js';
import { backup, restore } from './backup.js';
import { defineCommand, UsageError, type OpsCommand } from './command.js';
import { importComponentsCommand } from './import-components.js';

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
    // The photos too: the blobs the attachments name, read from the configured store (file or S3).
    const blobs = attachmentBlobs(ctx.config);
    const summary = await backup(ctx.db, ctx.storage.kind, args.file, blobs).finally(() => blobs.close());
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    if (summary.missingBlobs > 0) io.err(`Warning: ${summary.missingBlobs} photo file(s) named by attachments are missing from the store.`);
    io.err(
      `Backed up ${Object.keys(summary.tables).length} tables, ${rows} rows, ${summary.sequences} sequences and ${summary.blobs} photo files ` +
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
    const blobs = attachmentBlobs(ctx.config);
    const summary = await restore(ctx.db, args.file, blobs).finally(() => blobs.close());
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    if (summary.migrated.length > 0) io.err(`Migrated the empty database first (${summary.migrated.length} migrations).`);
    io.err(
      `Restored ${Object.keys(summary.tables).length} tables, ${rows} rows, ${summary.sequences} sequences and ${summary.blobs} photo files ` +
        `into ${ctx.storage.kind} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  },
});

/**
 * `role` (jurisdiction-wide), `role@dept:CODE`, `role@grids:CODE,CODE` or `role@self` — one string per
 * grant so the same text works on the command line and through the channel.
 */
export function parseGrant(text: string): GrantInput {
  const [role = '', scope] = text.split('@', 2);
  if (!isRole(role)) throw new UsageError(`unknown role "${role}" in --role ${text}`);
  if (scope === undefined || scope === 'jurisdiction') return { role, scope: { kind: 'jurisdiction' } };
  if (scope === 'self') return { role, scope: { kind: 'self' } };
  if (scope.startsWith('dept:') && scope.length > 5) return { role, scope: { kind: 'department', departmentCode: scope.slice(5) } };
  if (scope.startsWith('grids:') && scope.length > 6) {
    return { role, scope: { kind: 'grids', gridCodes: scope.slice(6).split(',').filter(Boolean) } };
  }
  throw new UsageError(`bad scope in --role ${text}: use role, role@dept:CODE, role@grids:CODE,… or role@self`);
}

const password = z.string().min(1).max(256);

export const userCreateCommand = defineCommand({
  args: z
    .object({
      jurisdiction: z.string().min(1),
      username: z.string().min(1),
      displayName: z.string().min(1).max(100),
      department: z.string().min(1).optional(),
      roles: z.array(z.string().min(1)).max(50).default([]),
      password,
      mustChangePassword: z.boolean().default(false),
    })
    .strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    const user = await createUser(
      ctx,
      {
        jurisdictionId: args.jurisdiction,
        username: args.username,
        displayName: args.displayName,
        departmentCode: args.department ?? null,
        grants: args.roles.map(parseGrant),
        password: args.password,
        mustChangePassword: args.mustChangePassword,
      },
      io.actor,
    );
    io.out(user.id);
    io.err(`Created user ${args.username} in ${args.jurisdiction}${args.roles.length ? ` with ${args.roles.join(', ')}` : ''}.`);
  },
});

export const userResetPasswordCommand = defineCommand({
  args: z.object({ username: z.string().min(1), password, mustChange: z.boolean().default(true) }).strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    await resetPassword(ctx, { username: args.username, newPassword: args.password, mustChange: args.mustChange }, io.actor);
    io.err(
      `Password of ${args.username} reset; their sessions are signed out` +
        `${args.mustChange ? ' and they must choose a new password at next sign-in' : ''}.`,
    );
  },
});

export const apiKeyCreateCommand = defineCommand({
  args: z
    .object({
      name: z.string().min(1),
      jurisdiction: z.string().min(1),
      scopes: z.array(z.string().min(1)).max(100).default([]),
      expiresAt: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    const created = await createApiKey(
      ctx,
      {
        name: args.name,
        jurisdictionId: args.jurisdiction,
        scopes: args.scopes,
        expiresAt: args.expiresAt ? new Date(args.expiresAt) : null,
      },
      io.actor,
    );
    // The key alone on stdout (shown once); everything else on stderr, so `KEY=$(civicgrid apikey create …)` works.
    io.out(created.key);
    io.err(
      `Created API key "${created.apiKey.name}" (id ${created.id}, prefix ${created.prefix}) for ${args.jurisdiction}` +
        ` with scopes ${args.scopes.length ? args.scopes.join(', ') : '(none)'}. Store it now: it is not shown again.`,
    );
  },
});

export const apiKeyRevokeCommand = defineCommand({
  args: z.object({ key: z.string().min(1), jurisdiction: z.string().min(1).optional() }).strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    const view = await revokeApiKey(ctx, { idOrPrefix: args.key, jurisdictionId: args.jurisdiction }, io.actor);
    io.err(`Revoked API key "${view.name}" (${view.id}).`);
  },
});

export const messagesLatestCommand = defineCommand({
  args: z.object({ phone: z.string().min(1).max(40), jurisdiction: z.string().min(1) }).strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    const message = await latestMessageTo(ctx, { jurisdictionId: args.jurisdiction, phone: args.phone }, io.actor);
    io.out(`${message.body}\n`);
    io.err(`Sent ${message.createdAt.toISOString()} (${message.purpose}); this read is in the audit log.`);
  },
});

export const auditVerifyCommand = defineCommand({
  args: z.object({}).strict(),
  needsCurrentSchema: true,
  async run(ctx, _args, io) {
    const result = await verifyAuditLog(ctx.db);
    if (result.ok) {
      io.err(`Audit chain intact: ${result.entries} entries${result.head ? `, head #${result.head.seq}` : ''}.`);
      return 0;
    }
    io.err(`Audit chain broken at entry #${result.firstBadSeq} (${result.problem}); ${result.entries} entries before it verified.`);
    return 1;
  },
});

export const seedDemoCommand = defineCommand({
  args: z.object({}).strict(),
  needsCurrentSchema: true,
  async run(ctx, _args, io) {
    const result = await seedDemo(ctx, { password: ctx.config.demoPassword });
    io.err(
      result.seeded
        ? `Seeded the demo city ${result.jurisdictionId}. Accounts (password: DEMO_PASSWORD): ` +
            result.accounts.map((a) => a.username).join(', ')
        : `The demo city ${result.jurisdictionId} is already there; nothing changed.`,
    );
  },
});

/** A grid layer file is read whole (GeoJSON has no streaming form we could validate as we go); bounded. */
const GRID_FILE_LIMIT = 512 * 1024 * 1024;

export const importGridsCommand = defineCommand({
  args: z
    .object({
      file: absoluteFile,
      jurisdiction: z.string().min(1),
      dryRun: z.boolean().default(false),
      skipRejected: z.boolean().default(false),
      checks: z.enum(['full', 'validity']).default('full'),
      toleranceM2: z.number().min(0).max(1_000_000).default(1),
      codeField: z.string().min(1).max(64).default('code'),
      communityField: z.string().min(1).max(64).default('community_code'),
    })
    .strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    const ext = path.extname(args.file).toLowerCase();
    const read = (file: string, optional = false): Buffer | undefined => {
      try {
        if (optional && !existsSync(file)) return undefined;
        if (statSync(file).size > GRID_FILE_LIMIT) throw new Error(`larger than ${GRID_FILE_LIMIT / 1024 / 1024} MiB`);
        return readFileSync(file);
      } catch (err) {
        throw new AppError('bad_request', 'grid.file_unreadable', { file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      }
    };
    io.err(`reading ${args.file}`);
    let fc: unknown;
    if (ext === '.shp') {
      // The other parts of a shapefile sit beside the .shp with the same base name.
      const base = args.file.slice(0, -ext.length);
      const sibling = (e: string) => read(`${base}${e}`, true) ?? read(`${base}${e.toUpperCase()}`, true);
      const dbf = sibling('.dbf');
      const prj = sibling('.prj');
      const cpg = sibling('.cpg');
      fc = await shapefileToGeoJSON({ shp: read(args.file)!, ...(dbf ? { dbf } : {}), ...(prj ? { prj: prj.toString('utf8') } : {}), ...(cpg ? { cpg: cpg.toString('utf8') } : {}) });
    } else if (ext === '.zip') {
      fc = await shapefileToGeoJSON(read(args.file)!);
    } else {
      try {
        fc = JSON.parse(read(args.file)!.toString('utf8'));
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError('bad_request', 'grid.file_unreadable', { file: args.file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      }
    }
    const report = await importGrids(ctx, args.jurisdiction, fc, io.actor, {
      dryRun: args.dryRun,
      skipRejected: args.skipRejected,
      checks: args.checks,
      toleranceM2: args.toleranceM2,
      fields: { code: args.codeField, community: args.communityField },
      locale: io.locale,
      onProgress: (line) => io.err(line),
    });
    for (const r of report.rejected) io.err(`rejected feature #${r.index}: ${r.message}`);
    if (report.rejectedCount > report.rejected.length) io.err(`… and ${report.rejectedCount - report.rejected.length} more rejected`);
    io.err(
      `${report.total} features: ${report.accepted} accepted, ${report.rejectedCount} rejected, ${report.unchanged} unchanged; ` +
        `overlaps ${report.overlaps.count}, gaps ${report.gaps.count}, outside ${report.outside.checked ? report.outside.count : 'not checked'}. ` +
        (report.applied
          ? `Imported: ${report.inserted} new, ${report.updated} updated, ${report.removed} removed (layer version ${report.version}).`
          : report.dryRun
            ? 'Dry run: nothing changed.'
            : 'Nothing changed: fix the rejected features or pass --skip-rejected.'),
    );
    io.out(JSON.stringify(report));
    return report.applied || report.dryRun ? 0 : 1;
  },
});

export const classifierRetrainCommand = defineCommand({
  args: z.object({ jurisdiction: z.string().min(1).optional() }).strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    const results = await retrainClassifiers(ctx, args.jurisdiction, { actor: io.actor });
    for (const r of results) {
      const m = r.metrics;
      io.err(
        `${r.jurisdictionId}: model v${r.version} ${r.activated ? 'activated' : `kept inactive (v${r.previousVersion} stays)`} — ` +
          `held-out accuracy ${m.accuracy} (top-3 ${m.top3Accuracy}, majority baseline ${m.majorityBaseline}` +
          `${m.previousAccuracy !== null ? `, previous model ${m.previousAccuracy}` : ''}) on ${m.heldOut} texts; ` +
          `trained on ${m.trainSize} (${m.ownOrders} own closed orders${m.demoExamples ? ` + ${m.demoExamples} shipped demo examples` : ''}).`,
      );
    }
    io.out(JSON.stringify(args.jurisdiction ? results[0] : results, null, 2));
  },
});

/** A knowledge CSV is read whole (the mailbox export is 3 MB); bounded. */
const KNOWLEDGE_FILE_LIMIT = 64 * 1024 * 1024;

export const importKnowledgeCommand = defineCommand({
  args: z
    .object({
      file: absoluteFile,
      jurisdiction: z.string().min(1),
      publish: z.boolean().default(false),
      dryRun: z.boolean().default(false),
      skipRejected: z.boolean().default(false),
    })
    .strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    let text: string;
    try {
      if (statSync(args.file).size > KNOWLEDGE_FILE_LIMIT) throw new Error(`larger than ${KNOWLEDGE_FILE_LIMIT / 1024 / 1024} MiB`);
      text = readFileSync(args.file, 'utf8');
    } catch (err) {
      throw new AppError('bad_request', 'knowledge.file_unreadable', { file: args.file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
    }
    io.err(`reading ${args.file}`);
    const report = await importKnowledgeCsv(ctx, args.jurisdiction, text, io.actor, { publish: args.publish, dryRun: args.dryRun, skipRejected: args.skipRejected });
    for (const r of report.rejected) io.err(`rejected row ${r.row}: ${translate(io.locale, r.code, r.params)}`);
    if (report.rejectedCount > report.rejected.length) io.err(`… and ${report.rejectedCount - report.rejected.length} more rejected`);
    io.err(
      `${report.total} rows: ${report.accepted} accepted, ${report.rejectedCount} rejected, ${report.existing} already there. ` +
        (report.applied
          ? `Imported ${report.inserted} article(s) as ${args.publish ? 'published' : 'drafts'}.`
          : report.dryRun
            ? 'Dry run: nothing changed.'
            : 'Nothing changed: fix the rejected rows or pass --skip-rejected.'),
    );
    io.out(JSON.stringify({ ...report, rejected: report.rejected.map((r) => ({ ...r, message: translate(io.locale, r.code, r.params) })) }));
    return report.applied || report.dryRun ? 0 : 1;
  },
});

export const importRequestsCommand = defineCommand({
  args: z
    .object({
      file: absoluteFile,
      format: z.enum(IMPORT_FORMATS),
      jurisdiction: z.string().min(1).optional(),
      mapping: absoluteFile.optional(),
      reject: absoluteFile.optional(),
      batch: z.number().int().min(1).max(5000).default(500),
      resume: z.boolean().default(true),
      limit: z.number().int().min(0).optional(),
      to: z.enum(['orders', 'knowledge']).default('orders'),
    })
    .strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    const jurisdiction = await importJurisdiction(ctx, args.jurisdiction);
    if (args.to === 'knowledge') {
      // The mailbox letters as knowledge articles: the knowledge base's own importer (drafts, personal data removed).
      if (args.format !== 'shangluo') throw new AppError('bad_request', 'work_order.import.to_knowledge_format');
      return importKnowledgeCommand.run(ctx, { file: args.file, jurisdiction, publish: false, dryRun: false, skipRejected: true }, io);
    }
    let last = 0;
    const report = await importRequests(ctx, {
      jurisdictionId: jurisdiction,
      file: args.file,
      format: args.format,
      ...(args.mapping ? { mappingFile: args.mapping } : {}),
      ...(args.reject ? { rejectFile: args.reject } : {}),
      batch: args.batch,
      resume: args.resume,
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      actor: io.actor,
      locale: io.locale,
      onProgress: (p) => {
        if (!io.progress || (!p.done && Date.now() - last < 200)) return;
        last = Date.now();
        io.progress(formatImportProgress(p));
      },
    });
    io.err(
      `${report.rows} rows${report.resumedAfter > 0 ? ` (resumed after ${report.resumedAfter})` : ''}: ${report.imported} imported, ` +
        `${report.duplicates} duplicates skipped, ${report.rejected} rejected${args.reject && report.rejected > 0 ? ` (see ${args.reject})` : ''} ` +
        `in ${report.seconds} s. ${report.completed ? 'Import complete.' : 'Stopped at --limit: run the same command again to continue.'}`,
    );
    io.out(JSON.stringify(report));
  },
});

/** Name → command. Names with a space are sub-commands (`user create`). */
export const COMMANDS: Readonly<Record<string, OpsCommand>> = {
  migrate: migrateCommand,
  'seed-demo': seedDemoCommand,
  backup: backupCommand,
  restore: restoreCommand,
  'user create': userCreateCommand,
  'user reset-password': userResetPasswordCommand,
  'apikey create': apiKeyCreateCommand,
  'apikey revoke': apiKeyRevokeCommand,
  'audit verify': auditVerifyCommand,
  'messages latest': messagesLatestCommand,
  'import grids': importGridsCommand,
  'import components': importComponentsCommand,
  'import knowledge': importKnowledgeCommand,
  'import requests': importRequestsCommand,
  'classifier retrain': classifierRetrainCommand,
};
