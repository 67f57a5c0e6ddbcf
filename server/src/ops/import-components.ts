/** `civicgrid import components FILE`: the component inventory from CSV or GeoJSON (see grid/components-import.ts). */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { componentFileFormatOf, COMPONENT_FILE_FORMATS, importComponents } from '../modules/grid/index.js';
import { AppError } from '../shared/errors.js';
import { defineCommand } from './command.js';

/** An inventory file is read whole; bounded. */
const COMPONENT_FILE_LIMIT = 256 * 1024 * 1024;

export const importComponentsCommand = defineCommand({
  args: z
    .object({
      file: z.string().min(1).refine((p) => path.isAbsolute(p), 'must be an absolute path'),
      jurisdiction: z.string().min(1),
      format: z.enum(COMPONENT_FILE_FORMATS).optional(),
      dryRun: z.boolean().default(false),
      skipRejected: z.boolean().default(false),
    })
    .strict(),
  needsCurrentSchema: true,
  async run(ctx, args, io) {
    let content: string;
    try {
      if (statSync(args.file).size > COMPONENT_FILE_LIMIT) throw new Error(`larger than ${COMPONENT_FILE_LIMIT / 1024 / 1024} MiB`);
      content = readFileSync(args.file, 'utf8');
    } catch (err) {
      throw new AppError('bad_request', 'component.import.file_unreadable', { detail: `${args.file}: ${err instanceof Error ? err.message.split('\n')[0]! : String(err)}` });
    }
    io.err(`reading ${args.file}`);
    let lastPhase = '';
    const report = await importComponents(ctx, args.jurisdiction, { format: args.format ?? componentFileFormatOf(args.file), content }, io.actor, {
      dryRun: args.dryRun,
      skipRejected: args.skipRejected,
      locale: io.locale,
      onProgress: (p) => {
        if (p.phase === 'done' || (p.phase === lastPhase && p.done !== p.total)) return;
        lastPhase = p.phase;
        io.err(`${p.phase}: ${p.done}/${p.total}`);
      },
    });
    for (const r of report.rejected) io.err(`rejected row ${r.index}: ${r.message}`);
    if (report.rejectedCount > report.rejected.length) io.err(`… and ${report.rejectedCount - report.rejected.length} more rejected`);
    io.err(
      `${report.total} rows: ${report.accepted} accepted (${report.existing} already there), ${report.rejectedCount} rejected. ` +
        (report.applied
          ? `Imported ${report.inserted} new component(s).`
          : report.dryRun
            ? 'Dry run: nothing changed.'
            : report.rejectedCount > 0 && !args.skipRejected
              ? 'Nothing changed: fix the rejected rows or pass --skip-rejected.'
              : 'Nothing new to import.'),
    );
    io.out(JSON.stringify(report));
    return report.applied || report.dryRun || (report.rejectedCount === 0 || args.skipRejected) ? 0 : 1;
  },
});
