/**
 * Use cases of the evaluation module. Each write is one transaction: the change, its audit entry and its event.
 * Everything is per jurisdiction (an analyst sees and runs only their own jurisdiction's systems and data);
 * `principal: null` is the system itself (CLI, demo seed).
 */
import type {
  EntityResultView,
  EvalDataset,
  EvalDatasetPage,
  EvalDefinition,
  EvalResult,
  EvalResultPage,
  EvalRun,
  EvalRunPage,
  EvalSystem,
  EvalVersion,
  EvalVersionHead,
  RunSensitivity,
  RunSummary,
} from '@civicgrid/contracts/evaluation';
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, authorizeAny, type CallOptions, type Principal } from '../identity/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { badRequest, conflict, notFound } from '../../shared/errors.js';
import type { Locale } from '../../shared/i18n.js';
import { parseDatasetCsv } from './dataset.js';
import { looksLikeXlsx, parseDatasetXlsx } from './dataset-xlsx.js';
import { DEFAULT_TEMPLATE } from './default-template.js';
import { drillDown, type MissingFlagView } from './drilldown.js';
import { runToPdf, runToXlsx, type ReportEntity, type RunReport } from './export.js';
import './evaluation.policy.js';
import * as repo from './evaluation.repo.js';
import type { SensitivityOptions } from './methods/sensitivity.js';
import { computeRun, type EntityInput, type PreviousResult } from './run.js';
import { buildSystem, type SystemNode, type SystemSettings } from './system.js';

export type EvaluationContext = Pick<AppContext, 'db' | 'outbox'>;
/** A system's definition as stored (the API's EvalDefinition). */
export type Definition = EvalDefinition;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const inJurisdiction = (principal: Principal | null, permission: string, jurisdictionId: string, hiddenAs: string) =>
  authorize(principal, permission, { jurisdictionId }, hiddenAs);

function presentVersionHead(v: Omit<repo.VersionRow, 'tree' | 'settings'>): EvalVersionHead {
  return { id: v.id, version: v.version, status: v.status, createdAt: iso(v.created_at)!, publishedAt: iso(v.published_at) };
}

async function presentSystem(db: Db, s: repo.SystemRow): Promise<EvalSystem> {
  const versions = await repo.listVersionHeads(db, [s.id]);
  return { id: s.id, code: s.code, nameZh: s.name_zh, nameEn: s.name_en, versions: versions.map(presentVersionHead) };
}

function presentVersion(v: repo.VersionRow): EvalVersion {
  const definition = { nodes: v.tree as SystemNode[], settings: v.settings as SystemSettings };
  return { ...presentVersionHead(v), systemId: v.system_id, definition, ahp: buildSystem(definition.nodes, definition.settings).ahp };
}

async function loadSystem(db: Db, principal: Principal | null, permission: string, id: string): Promise<repo.SystemRow> {
  authorizeAny(principal, permission);
  const s = await repo.findSystem(db, id);
  if (!s) throw notFound('evaluation.system_not_found');
  inJurisdiction(principal, permission, s.jurisdiction_id, 'evaluation.system_not_found');
  return s;
}

/** Validates a definition fully (tree, weights, AHP sizes, tiers) before it is stored. */
function checkDefinition(d: Definition): void {
  buildSystem(d.nodes, d.settings);
}

// ---- systems ----

export async function listSystems(ctx: EvaluationContext, principal: Principal): Promise<EvalSystem[]> {
  authorizeAny(principal, 'evaluation.read');
  const systems = await repo.listSystems(ctx.db, principal.jurisdictionId);
  const heads = await repo.listVersionHeads(ctx.db, systems.map((s) => s.id));
  return systems.map((s) => ({ id: s.id, code: s.code, nameZh: s.name_zh, nameEn: s.name_en, versions: heads.filter((h) => h.system_id === s.id).map(presentVersionHead) }));
}

export async function getSystem(ctx: EvaluationContext, principal: Principal | null, id: string): Promise<EvalSystem> {
  return presentSystem(ctx.db, await loadSystem(ctx.db, principal, 'evaluation.read', id));
}

export async function getVersion(ctx: EvaluationContext, principal: Principal | null, systemId: string, version: number): Promise<EvalVersion> {
  await loadSystem(ctx.db, principal, 'evaluation.read', systemId);
  const v = await repo.findVersion(ctx.db, systemId, version);
  if (!v) throw notFound('evaluation.version_not_found');
  return presentVersion(v);
}

export interface CreateSystemInput {
  jurisdictionId: string;
  code: string;
  nameZh: string;
  nameEn: string;
  template?: 'default';
  definition?: Definition;
}

export async function createSystem(ctx: EvaluationContext, input: CreateSystemInput, actor: Actor, opts: CallOptions = {}): Promise<EvalSystem> {
  const principal = opts.principal ?? null;
  inJurisdiction(principal, 'evaluation.manage', input.jurisdictionId, 'evaluation.system_not_found');
  if (!input.definition && input.template !== 'default') throw badRequest('evaluation.definition_required');
  if (input.definition && input.template) throw badRequest('evaluation.definition_required');
  const definition = input.definition ?? { nodes: DEFAULT_TEMPLATE.nodes, settings: DEFAULT_TEMPLATE.settings };
  checkDefinition(definition);
  return ctx.db.transaction().execute(async (tx) => {
    if (await repo.findSystemByCode(tx, input.jurisdictionId, input.code)) throw conflict('evaluation.system_code_taken', { code: input.code });
    const system = await repo.insertSystem(tx, input);
    const version = await repo.insertVersion(tx, { systemId: system.id, jurisdictionId: input.jurisdictionId, version: 1, tree: definition.nodes, settings: definition.settings });
    const details = { code: input.code, template: input.template ?? null, versionId: version.id, nodes: definition.nodes.length };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'evaluation_system.create', jurisdictionId: input.jurisdictionId, objectType: 'evaluation_system', objectId: system.id, details });
    await ctx.outbox.publish(tx, { name: 'evaluation.system_created', jurisdictionId: input.jurisdictionId, payload: { systemId: system.id, ...details } });
    return presentSystem(tx, system);
  });
}

/** Replaces the draft's definition; with no draft (all published), starts the next version as a draft. */
export async function saveDraft(ctx: EvaluationContext, systemId: string, definition: Definition, actor: Actor, opts: CallOptions = {}): Promise<EvalVersion> {
  checkDefinition(definition);
  return ctx.db.transaction().execute(async (tx) => {
    const system = await loadSystem(tx, opts.principal ?? null, 'evaluation.manage', systemId);
    // Serialises draft creation and publishing of one system (one draft at a time, versions without gaps).
    await repo.lockSystem(tx, system.id);
    const draft = await repo.findDraft(tx, system.id);
    let versionId: string;
    let version: number;
    if (draft) {
      await repo.updateDraft(tx, draft.id, definition.nodes, definition.settings);
      versionId = draft.id;
      version = draft.version;
    } else {
      version = (await repo.maxVersion(tx, system.id)) + 1;
      versionId = (await repo.insertVersion(tx, { systemId: system.id, jurisdictionId: system.jurisdiction_id, version, tree: definition.nodes, settings: definition.settings })).id;
    }
    const details = { versionId, version, nodes: definition.nodes.length };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'evaluation_system.save_draft', jurisdictionId: system.jurisdiction_id, objectType: 'evaluation_system', objectId: system.id, details });
    await ctx.outbox.publish(tx, { name: 'evaluation.draft_saved', jurisdictionId: system.jurisdiction_id, payload: { systemId: system.id, ...details } });
    return presentVersion((await repo.findVersionById(tx, versionId))!);
  });
}

export async function publishDraft(ctx: EvaluationContext, systemId: string, actor: Actor, opts: CallOptions = {}): Promise<EvalVersion> {
  return ctx.db.transaction().execute(async (tx) => {
    const system = await loadSystem(tx, opts.principal ?? null, 'evaluation.manage', systemId);
    await repo.lockSystem(tx, system.id);
    const draft = await repo.findDraft(tx, system.id);
    if (!draft) throw conflict('evaluation.no_draft');
    await repo.publishVersion(tx, draft.id);
    const details = { versionId: draft.id, version: draft.version };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'evaluation_system.publish', jurisdictionId: system.jurisdiction_id, objectType: 'evaluation_system', objectId: system.id, details });
    await ctx.outbox.publish(tx, { name: 'evaluation.version_published', jurisdictionId: system.jurisdiction_id, payload: { systemId: system.id, ...details } });
    return presentVersion((await repo.findVersionById(tx, draft.id))!);
  });
}

// ---- datasets ----

function presentDataset(d: repo.DatasetRow): EvalDataset {
  const rejects = d.rejects as { list: { line: number; reasons: string[] }[]; count: number };
  return { id: d.id, name: d.name, synthetic: d.synthetic, rowCount: d.row_count, indicatorCodes: d.indicator_codes, rejects: rejects.list, rejectsTruncated: rejects.count > rejects.list.length };
}

export async function importDataset(
  ctx: EvaluationContext,
  input: {
    jurisdictionId: string;
    name: string;
    csv?: string;
    xlsx?: Uint8Array;
    entities?: EntityInput[];
    indicatorCodes?: string[];
    synthetic?: boolean;
    /** A data set the platform built from its own metrics (self-evaluation). */
    platform?: { kind: 'district' | 'department'; period: string };
  },
  actor: Actor,
  opts: CallOptions = {},
): Promise<EvalDataset> {
  inJurisdiction(opts.principal ?? null, 'evaluation.manage', input.jurisdictionId, 'evaluation.dataset_not_found');
  const given = [input.csv, input.xlsx, input.entities].filter((x) => x !== undefined).length;
  if (given !== 1) throw badRequest('evaluation.dataset_source');
  if (input.xlsx && !looksLikeXlsx(input.xlsx)) throw badRequest('evaluation.xlsx_invalid');
  const parsed =
    input.csv !== undefined
      ? parseDatasetCsv(input.csv)
      : input.xlsx !== undefined
        ? await parseDatasetXlsx(input.xlsx)
        : { indicatorCodes: input.indicatorCodes ?? [], entities: input.entities ?? [], rejects: [], rejectCount: 0 };
  if (parsed.entities.length === 0) throw badRequest('evaluation.dataset_empty', { rejected: parsed.rejectCount });
  const rows = parsed.entities.map((e) => ({
    entityCode: e.code,
    name: e.name,
    class: e.class ?? null,
    province: e.province ?? null,
    region: e.region ?? null,
    values: Object.fromEntries(Object.entries(e.values).filter((kv): kv is [string, number] => typeof kv[1] === 'number')),
  }));
  return ctx.db.transaction().execute(async (tx) => {
    const d = await repo.insertDataset(tx, {
      jurisdictionId: input.jurisdictionId,
      name: input.name,
      synthetic: input.synthetic ?? false,
      indicatorCodes: parsed.indicatorCodes,
      rejects: { list: parsed.rejects, count: parsed.rejectCount },
      rows,
      ...(input.platform ? { platform: input.platform } : {}),
    });
    const details = { name: input.name, rows: rows.length, rejected: parsed.rejectCount, synthetic: input.synthetic ?? false };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'evaluation_dataset.import', jurisdictionId: input.jurisdictionId, objectType: 'evaluation_dataset', objectId: d.id, details });
    await ctx.outbox.publish(tx, { name: 'evaluation.dataset_imported', jurisdictionId: input.jurisdictionId, payload: { datasetId: d.id, ...details } });
    return presentDataset(d);
  });
}

export async function getDataset(ctx: EvaluationContext, principal: Principal | null, id: string): Promise<EvalDataset> {
  authorizeAny(principal, 'evaluation.read');
  const d = await repo.findDataset(ctx.db, id);
  if (!d) throw notFound('evaluation.dataset_not_found');
  inJurisdiction(principal, 'evaluation.read', d.jurisdiction_id, 'evaluation.dataset_not_found');
  return presentDataset(d);
}

export async function listDatasets(ctx: EvaluationContext, principal: Principal, page: { limit: number; offset: number }): Promise<EvalDatasetPage> {
  authorizeAny(principal, 'evaluation.read');
  const { total, items } = await repo.listDatasets(ctx.db, principal.jurisdictionId, page);
  return {
    total,
    items: items.map((d) => ({
      id: d.id,
      name: d.name,
      synthetic: d.synthetic,
      rowCount: d.row_count,
      indicatorCount: Number(d.indicator_count),
      rejectedCount: Number(d.rejected_count ?? 0),
      createdAt: iso(d.created_at)!,
    })),
  };
}

// ---- runs ----

/** The jurisdiction's runs, newest first; with `systemId`, only that system's (404 when it is not the caller's). */
export async function listRuns(ctx: EvaluationContext, principal: Principal, filter: { systemId?: string; limit: number; offset: number }): Promise<EvalRunPage> {
  authorizeAny(principal, 'evaluation.read');
  if (filter.systemId !== undefined) await loadSystem(ctx.db, principal, 'evaluation.read', filter.systemId);
  const { total, items } = await repo.listRuns(ctx.db, principal.jurisdictionId, filter);
  return {
    total,
    items: items.map((r) => ({
      id: r.id,
      createdAt: iso(r.created_at)!,
      system: { id: r.system_id, code: r.system_code, nameZh: r.name_zh, nameEn: r.name_en },
      systemVersionId: r.system_version_id,
      version: r.version,
      dataset: { id: r.dataset_id, name: r.dataset_name, synthetic: r.synthetic },
      previousRunId: r.previous_run_id,
      entities: Number(r.entities),
      draws: r.draws === null ? null : Number(r.draws),
    })),
  };
}

function presentRun(r: repo.RunRow): EvalRun {
  return {
    id: r.id,
    systemVersionId: r.system_version_id,
    datasetId: r.dataset_id,
    previousRunId: r.previous_run_id,
    createdAt: iso(r.created_at)!,
    settings: r.settings,
    summary: r.summary as RunSummary,
    sensitivity: r.sensitivity as RunSensitivity | null,
  };
}

export interface CreateRunInput {
  jurisdictionId: string;
  systemVersionId: string;
  datasetId: string;
  previousRunId?: string;
  sensitivity?: SensitivityOptions;
}

export async function createRun(ctx: EvaluationContext, input: CreateRunInput, actor: Actor, opts: CallOptions = {}): Promise<EvalRun> {
  const principal = opts.principal ?? null;
  inJurisdiction(principal, 'evaluation.manage', input.jurisdictionId, 'evaluation.run_not_found');
  return ctx.db.transaction().execute(async (tx) => {
    const version = await repo.findVersionById(tx, input.systemVersionId);
    if (!version || version.jurisdiction_id !== input.jurisdictionId) throw notFound('evaluation.version_not_found');
    // Results must name a version that can never change, so that they can be recomputed.
    if (version.status !== 'published') throw conflict('evaluation.version_not_published');
    const dataset = await repo.findDataset(tx, input.datasetId);
    if (!dataset || dataset.jurisdiction_id !== input.jurisdictionId) throw notFound('evaluation.dataset_not_found');
    let previous: Map<string, PreviousResult> | undefined;
    if (input.previousRunId) {
      const prev = await repo.findRun(tx, input.previousRunId);
      if (!prev || prev.jurisdiction_id !== input.jurisdictionId) throw notFound('evaluation.run_not_found');
      previous = new Map((await repo.listResultTotals(tx, prev.id)).map((r) => [r.entity_code, { total: r.total, rank: r.rank, tier: r.tier }]));
    }
    const entities: EntityInput[] = (await repo.listDatasetRows(tx, dataset.id)).map((r) => ({ code: r.entity_code, name: r.name, class: r.class, province: r.province, region: r.region, values: r.values }));
    const settings = version.settings as SystemSettings;
    const out = computeRun(version.tree as SystemNode[], settings, entities, { ...(previous ? { previous } : {}), ...(input.sensitivity ? { sensitivity: input.sensitivity } : {}) });
    const run = await repo.insertRun(tx, {
      jurisdictionId: input.jurisdictionId,
      systemVersionId: version.id,
      datasetId: dataset.id,
      previousRunId: input.previousRunId ?? null,
      settings: { ...settings, sensitivity: input.sensitivity ?? null },
      summary: out.summary,
      sensitivity: out.sensitivity,
    });
    await repo.insertResults(
      tx,
      run.id,
      out.results.map((r) => ({
        entityCode: r.code,
        name: r.name,
        class: r.class,
        province: r.province,
        region: r.region,
        total: r.total,
        rank: r.rank,
        tier: r.tier,
        coverage: r.coverage,
        nodeScores: r.nodeScores,
        flags: { missing: r.flags, change: r.change, sensitivity: r.sensitivity ?? null },
      })),
    );
    const details = { systemVersionId: version.id, version: version.version, datasetId: dataset.id, entities: entities.length, previousRunId: input.previousRunId ?? null, draws: input.sensitivity?.draws ?? 0 };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'evaluation_run.create', jurisdictionId: input.jurisdictionId, objectType: 'evaluation_run', objectId: run.id, details });
    await ctx.outbox.publish(tx, { name: 'evaluation.run_completed', jurisdictionId: input.jurisdictionId, payload: { runId: run.id, ...details } });
    return presentRun(run);
  });
}

async function loadRun(db: Db, principal: Principal | null, id: string) {
  authorizeAny(principal, 'evaluation.read');
  const r = await repo.findRun(db, id);
  if (!r) throw notFound('evaluation.run_not_found');
  inJurisdiction(principal, 'evaluation.read', r.jurisdiction_id, 'evaluation.run_not_found');
  return r;
}

export async function getRun(ctx: EvaluationContext, principal: Principal | null, id: string): Promise<EvalRun> {
  return presentRun(await loadRun(ctx.db, principal, id));
}

function presentResult(r: repo.ResultWithValues): EvalResult {
  return { code: r.entity_code, name: r.name, class: r.class, province: r.province, region: r.region, total: r.total, rank: r.rank, tier: r.tier, coverage: r.coverage, nodeScores: r.node_scores, values: r.values, flags: r.flags };
}

export async function listRunResults(ctx: EvaluationContext, principal: Principal | null, id: string, filter: { class?: string; region?: string; tier?: string; limit: number; offset: number }): Promise<EvalResultPage> {
  const run = await loadRun(ctx.db, principal, id);
  const page = await repo.listResults(ctx.db, run, filter);
  return { total: page.total, items: page.items.map(presentResult) };
}

/** One entity's result with the drill-down from every score to the indicator values and weights behind it. */
export async function getEntityResult(ctx: EvaluationContext, principal: Principal | null, id: string, entityCode: string): Promise<EntityResultView> {
  const run = await loadRun(ctx.db, principal, id);
  const row = await repo.findResult(ctx.db, run, entityCode);
  if (!row) throw notFound('evaluation.entity_not_found', { code: entityCode });
  const version = (await repo.findVersionById(ctx.db, run.system_version_id))!;
  const settings = version.settings as SystemSettings;
  const flags = row.flags as { missing?: MissingFlagView[] };
  const nodes = drillDown(version.tree as SystemNode[], settings, { nodeScores: row.node_scores, values: row.values, missing: flags.missing ?? [] });
  return { result: presentResult(row), systemVersionId: version.id, version: version.version, aggregation: settings.aggregation, missingPolicy: settings.missing, nodes };
}

export type ExportFormat = 'xlsx' | 'pdf';

/** The run as an XLSX workbook or a PDF report (audited: an export takes every entity's data out). */
export async function exportRun(ctx: EvaluationContext, id: string, format: ExportFormat, locale: Locale, actor: Actor, opts: CallOptions = {}) {
  const principal = opts.principal ?? null;
  authorizeAny(principal, 'evaluation.export');
  const run = await loadRun(ctx.db, principal, id);
  inJurisdiction(principal, 'evaluation.export', run.jurisdiction_id, 'evaluation.run_not_found');
  const version = (await repo.findVersionById(ctx.db, run.system_version_id))!;
  const system = (await repo.findSystem(ctx.db, version.system_id))!;
  const dataset = (await repo.findDataset(ctx.db, run.dataset_id))!;
  const rows = await repo.listAllResults(ctx.db, run);
  const report: RunReport = {
    systemNameZh: system.name_zh,
    systemNameEn: system.name_en,
    versionLabel: `${system.code} v${version.version}`,
    synthetic: dataset.synthetic,
    createdAt: iso(run.created_at)!,
    nodes: version.tree as SystemNode[],
    settings: version.settings as SystemSettings,
    entities: rows.map((r) => {
      const flags = r.flags as { change?: ReportEntity['change']; sensitivity?: ReportEntity['sensitivity'] };
      return { ...presentResult(r), change: flags.change ?? null, sensitivity: flags.sensitivity ?? null };
    }),
    summary: run.summary as RunReport['summary'],
    sensitivity: run.sensitivity as RunReport['sensitivity'],
  };
  const body = format === 'xlsx' ? await runToXlsx(report, locale) : await runToPdf(report, locale);
  await ctx.db.transaction().execute(async (tx) => {
    const details = { format, entities: rows.length, systemVersionId: version.id, datasetId: dataset.id };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'evaluation_run.export', jurisdictionId: run.jurisdiction_id, objectType: 'evaluation_run', objectId: run.id, details });
  });
  return { body, filename: `evaluation-${system.code}-v${version.version}-${run.id.slice(0, 8)}.${format}` };
}
