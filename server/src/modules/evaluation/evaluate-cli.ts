/**
 * `civicgrid evaluate --system FILE.json|default --data FILE.csv|demo --out results.json`: a whole evaluation on
 * files, without a database — the same computation the server stores (run.ts), so an analyst can reproduce a
 * published result from the version's definition and the data.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { badRequest } from '../../shared/errors.js';
import { datasetToCsv, parseDatasetCsv } from './dataset.js';
import { DEFAULT_TEMPLATE } from './default-template.js';
import { demoCities } from './demo-data.js';
import { definitionSchema } from './evaluation.schema.js';
import { MAX_DRAWS } from './methods/sensitivity.js';
import { computeRun } from './run.js';
import type { SystemNode, SystemSettings } from './system.js';

const MAX_FILE_BYTES = 256 * 1024 * 1024;

function read(file: string): string {
  if (!existsSync(file)) throw badRequest('evaluation.file_unreadable', { file });
  if (statSync(file).size > MAX_FILE_BYTES) throw badRequest('evaluation.file_too_large', { file, max: MAX_FILE_BYTES });
  return readFileSync(file, 'utf8');
}

export interface EvaluateOptions {
  system: string;
  data: string;
  out: string;
  draws?: number;
  seed?: number;
  concentration?: number;
}

export function evaluateFiles(o: EvaluateOptions): { entities: number; rejected: number; tierCounts: Record<string, number> } {
  if (!o.out.endsWith('.json')) throw badRequest('evaluation.out_format', { file: o.out });
  if (o.draws !== undefined && !(Number.isInteger(o.draws) && o.draws >= 0 && o.draws <= MAX_DRAWS)) throw badRequest('evaluation.draws_invalid', { max: MAX_DRAWS });
  let definition: { nodes: SystemNode[]; settings: SystemSettings };
  if (o.system === 'default') definition = { nodes: DEFAULT_TEMPLATE.nodes, settings: DEFAULT_TEMPLATE.settings };
  else {
    let raw: unknown;
    try {
      raw = JSON.parse(read(o.system));
    } catch (err) {
      if (err instanceof SyntaxError) throw badRequest('evaluation.json_invalid', { file: o.system });
      throw err;
    }
    const parsed = definitionSchema.safeParse(raw);
    if (!parsed.success) throw badRequest('evaluation.system_file_invalid', { file: o.system, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ') });
    definition = parsed.data;
  }
  const dataset = parseDatasetCsv(o.data === 'demo' ? datasetToCsv(DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code), demoCities()) : read(o.data));
  const sensitivity = o.draws ? { draws: o.draws, seed: o.seed ?? 1, concentration: o.concentration ?? 100 } : undefined;
  const run = computeRun(definition.nodes, definition.settings, dataset.entities, sensitivity ? { sensitivity } : {});
  writeFileSync(
    o.out,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), synthetic: o.data === 'demo', definition, rejects: dataset.rejects, rejected: dataset.rejectCount, ...run }, null, 1)}\n`,
  );
  return { entities: run.summary.entities, rejected: dataset.rejectCount, tierCounts: run.summary.tierCounts };
}
