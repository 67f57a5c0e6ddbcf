/**
 * The demo's evaluation: the default template as a published system, the 680-city synthetic data set (labelled
 * synthetic in its name and flag) and one completed run with a 1,000-draw sensitivity analysis, so the 评估 page
 * shows a full run at once. Each step finds what an earlier (maybe interrupted) seed left and only adds what is
 * missing, so running it again changes nothing.
 */
import type { Actor } from '../../shared/actor.js';
import { DEFAULT_TEMPLATE } from './default-template.js';
import { demoCities } from './demo-data.js';
import * as repo from './evaluation.repo.js';
import { createRun, createSystem, importDataset, publishDraft, type EvaluationContext } from './evaluation.service.js';

export const DEMO_SYSTEM_CODE = 'governance-modernisation';
export const DEMO_DATASET_NAME = '合成数据：680 个城市（演示用，不代表真实城市） Synthetic data: 680 cities (demo only)';
export const DEMO_SENSITIVITY = { draws: 1000, seed: 20260501, concentration: 100 };

export async function ensureDemoEvaluation(ctx: EvaluationContext, jurisdictionId: string, actor: Actor): Promise<{ runId: string; created: boolean }> {
  let created = false;
  let system = await repo.findSystemByCode(ctx.db, jurisdictionId, DEMO_SYSTEM_CODE);
  if (!system) {
    await createSystem(ctx, { jurisdictionId, code: DEMO_SYSTEM_CODE, nameZh: DEFAULT_TEMPLATE.nameZh, nameEn: DEFAULT_TEMPLATE.nameEn, template: 'default' }, actor);
    system = (await repo.findSystemByCode(ctx.db, jurisdictionId, DEMO_SYSTEM_CODE))!;
    created = true;
  }
  let version = await repo.findVersion(ctx.db, system.id, 1);
  if (version?.status === 'draft') {
    await publishDraft(ctx, system.id, actor);
    version = await repo.findVersion(ctx.db, system.id, 1);
  }
  let dataset = await repo.findDatasetByName(ctx.db, jurisdictionId, DEMO_DATASET_NAME);
  if (!dataset) {
    const leaves = DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code);
    await importDataset(ctx, { jurisdictionId, name: DEMO_DATASET_NAME, entities: demoCities(), indicatorCodes: leaves, synthetic: true }, actor);
    dataset = (await repo.findDatasetByName(ctx.db, jurisdictionId, DEMO_DATASET_NAME))!;
    created = true;
  }
  const existing = await repo.findRunOf(ctx.db, version!.id, dataset.id);
  if (existing) return { runId: existing.id, created };
  const run = await createRun(ctx, { jurisdictionId, systemVersionId: version!.id, datasetId: dataset.id, sensitivity: DEMO_SENSITIVITY }, actor);
  return { runId: run.id, created: true };
}
