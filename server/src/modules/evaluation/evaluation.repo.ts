/** SQL for indicator systems, datasets, runs and results. */
import type { EvalResult } from '@civicgrid/contracts/evaluation';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../app-context.js';
import type { EvaluationDatasetsTable, EvaluationResultsTable, EvaluationRunsTable, EvaluationSystemsTable, EvaluationSystemVersionsTable } from '../../db/schema.js';

export type SystemRow = Selectable<EvaluationSystemsTable>;
export type VersionRow = Selectable<EvaluationSystemVersionsTable>;
export type DatasetRow = Selectable<EvaluationDatasetsTable>;
export type RunRow = Selectable<EvaluationRunsTable>;
export type ResultRow = Selectable<EvaluationResultsTable>;

const json = (value: unknown) => JSON.stringify(value);
/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters. */
const BATCH = 500;

export async function lockSystem(tx: Db, systemId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7243020, hashtext(${systemId}))`.execute(tx);
}

export async function insertSystem(tx: Db, s: { jurisdictionId: string; code: string; nameZh: string; nameEn: string }): Promise<SystemRow> {
  return tx.insertInto('evaluation_systems').values({ jurisdiction_id: s.jurisdictionId, code: s.code, name_zh: s.nameZh, name_en: s.nameEn }).returningAll().executeTakeFirstOrThrow();
}

export async function findSystem(db: Db, id: string): Promise<SystemRow | undefined> {
  return db.selectFrom('evaluation_systems').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSystemByCode(db: Db, jurisdictionId: string, code: string): Promise<SystemRow | undefined> {
  return db.selectFrom('evaluation_systems').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
}

export async function listSystems(db: Db, jurisdictionId: string): Promise<SystemRow[]> {
  return db.selectFrom('evaluation_systems').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('code').limit(1000).execute();
}

export async function listVersionHeads(db: Db, systemIds: string[]): Promise<Omit<VersionRow, 'tree' | 'settings'>[]> {
  if (systemIds.length === 0) return [];
  return db
    .selectFrom('evaluation_system_versions')
    .select(['id', 'system_id', 'jurisdiction_id', 'version', 'status', 'created_at', 'published_at'])
    .where('system_id', 'in', systemIds)
    .orderBy('system_id')
    .orderBy('version')
    .execute();
}

export async function findVersion(db: Db, systemId: string, version: number): Promise<VersionRow | undefined> {
  return db.selectFrom('evaluation_system_versions').selectAll().where('system_id', '=', systemId).where('version', '=', version).executeTakeFirst();
}

export async function findVersionById(db: Db, id: string): Promise<VersionRow | undefined> {
  return db.selectFrom('evaluation_system_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDraft(db: Db, systemId: string): Promise<VersionRow | undefined> {
  return db.selectFrom('evaluation_system_versions').selectAll().where('system_id', '=', systemId).where('status', '=', 'draft').executeTakeFirst();
}

export async function maxVersion(db: Db, systemId: string): Promise<number> {
  const r = await db.selectFrom('evaluation_system_versions').select((eb) => eb.fn.max('version').as('v')).where('system_id', '=', systemId).executeTakeFirst();
  return Number(r?.v ?? 0);
}

export async function insertVersion(tx: Db, v: { systemId: string; jurisdictionId: string; version: number; tree: unknown; settings: unknown }): Promise<VersionRow> {
  return tx
    .insertInto('evaluation_system_versions')
    .values({ system_id: v.systemId, jurisdiction_id: v.jurisdictionId, version: v.version, status: 'draft', tree: json(v.tree), settings: json(v.settings) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateDraft(tx: Db, id: string, tree: unknown, settings: unknown): Promise<void> {
  await tx.updateTable('evaluation_system_versions').set({ tree: json(tree), settings: json(settings) }).where('id', '=', id).where('status', '=', 'draft').execute();
}

export async function publishVersion(tx: Db, id: string): Promise<void> {
  await tx.updateTable('evaluation_system_versions').set({ status: 'published', published_at: new Date() }).where('id', '=', id).where('status', '=', 'draft').execute();
}

export interface DatasetRowInsert {
  entityCode: string;
  name: string;
  class: string | null;
  province: string | null;
  region: string | null;
  values: Record<string, number>;
}

export async function insertDataset(
  tx: Db,
  d: { jurisdictionId: string; name: string; synthetic: boolean; indicatorCodes: string[]; rejects: unknown; rows: DatasetRowInsert[]; platform?: { kind: 'district' | 'department'; period: string } },
): Promise<DatasetRow> {
  const platform = d.platform ? { source: 'platform' as const, entity_kind: d.platform.kind, period: d.platform.period } : {};
  const row = await tx
    .insertInto('evaluation_datasets')
    .values({ jurisdiction_id: d.jurisdictionId, name: d.name, synthetic: d.synthetic, indicator_codes: json(d.indicatorCodes), row_count: d.rows.length, rejects: json(d.rejects), ...platform })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (let k = 0; k < d.rows.length; k += BATCH) {
    await tx
      .insertInto('evaluation_dataset_rows')
      .values(d.rows.slice(k, k + BATCH).map((r) => ({ dataset_id: row.id, entity_code: r.entityCode, name: r.name, class: r.class, province: r.province, region: r.region, values: json(r.values) })))
      .execute();
  }
  return row;
}

export async function findDataset(db: Db, id: string): Promise<DatasetRow | undefined> {
  return db.selectFrom('evaluation_datasets').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listDatasetRows(db: Db, datasetId: string) {
  return db.selectFrom('evaluation_dataset_rows').selectAll().where('dataset_id', '=', datasetId).orderBy('entity_code').execute();
}

export async function insertRun(
  tx: Db,
  r: { jurisdictionId: string; systemVersionId: string; datasetId: string; previousRunId: string | null; settings: unknown; summary: unknown; sensitivity: unknown },
): Promise<RunRow> {
  return tx
    .insertInto('evaluation_runs')
    .values({
      jurisdiction_id: r.jurisdictionId,
      system_version_id: r.systemVersionId,
      dataset_id: r.datasetId,
      previous_run_id: r.previousRunId,
      settings: json(r.settings),
      summary: json(r.summary),
      sensitivity: r.sensitivity === null ? null : json(r.sensitivity),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A result row to write: the API's EvalResult without the imported values (they stay in the data set's row). */
export interface ResultInsert extends Omit<EvalResult, 'code' | 'values'> {
  entityCode: string;
}

export async function insertResults(tx: Db, runId: string, rows: ResultInsert[]): Promise<void> {
  for (let k = 0; k < rows.length; k += BATCH) {
    await tx
      .insertInto('evaluation_results')
      .values(
        rows.slice(k, k + BATCH).map((r) => ({
          run_id: runId,
          entity_code: r.entityCode,
          name: r.name,
          class: r.class,
          province: r.province,
          region: r.region,
          total: r.total,
          rank: r.rank,
          tier: r.tier,
          coverage: r.coverage,
          node_scores: json(r.nodeScores),
          flags: json(r.flags),
        })),
      )
      .execute();
  }
}

export async function findRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('evaluation_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listResultTotals(db: Db, runId: string) {
  return db.selectFrom('evaluation_results').select(['entity_code', 'total', 'rank', 'tier']).where('run_id', '=', runId).execute();
}

/** Results with each entity's indicator values as imported (the run's dataset row; `{}` if the row is gone). */
function resultsWithValues(db: Db, run: { id: string; dataset_id: string }) {
  return db
    .selectFrom('evaluation_results as r')
    .leftJoin('evaluation_dataset_rows as d', (j) => j.on('d.dataset_id', '=', run.dataset_id).onRef('d.entity_code', '=', 'r.entity_code'))
    .where('r.run_id', '=', run.id);
}

export type ResultWithValues = ResultRow & { values: Record<string, number> };
const withValues = (row: ResultRow & { values: Record<string, number> | null }): ResultWithValues => ({ ...row, values: row.values ?? {} });

export async function listResults(db: Db, run: { id: string; dataset_id: string }, f: { class?: string; region?: string; tier?: string; limit: number; offset: number }) {
  let q = resultsWithValues(db, run);
  if (f.class !== undefined) q = q.where('r.class', '=', f.class);
  if (f.region !== undefined) q = q.where('r.region', '=', f.region);
  if (f.tier !== undefined) q = q.where('r.tier', '=', f.tier);
  const count = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const items = await q.selectAll('r').select('d.values').orderBy('r.rank').orderBy('r.entity_code').limit(f.limit).offset(f.offset).execute();
  return { total: Number(count?.n ?? 0), items: items.map(withValues) };
}

export async function findResult(db: Db, run: { id: string; dataset_id: string }, entityCode: string): Promise<ResultWithValues | undefined> {
  const row = await resultsWithValues(db, run).selectAll('r').select('d.values').where('r.entity_code', '=', entityCode).executeTakeFirst();
  return row && withValues(row);
}

/** A jurisdiction's runs, newest first, with their system, version and dataset (for lists). */
export async function listRuns(db: Db, jurisdictionId: string, f: { systemId?: string; limit: number; offset: number }) {
  let q = db
    .selectFrom('evaluation_runs as r')
    .innerJoin('evaluation_system_versions as v', 'v.id', 'r.system_version_id')
    .innerJoin('evaluation_systems as s', 's.id', 'v.system_id')
    .innerJoin('evaluation_datasets as d', 'd.id', 'r.dataset_id')
    .where('r.jurisdiction_id', '=', jurisdictionId);
  if (f.systemId !== undefined) q = q.where('v.system_id', '=', f.systemId);
  const count = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const items = await q
    .select([
      'r.id',
      'r.created_at',
      'r.system_version_id',
      'r.previous_run_id',
      'v.version',
      's.id as system_id',
      's.code as system_code',
      's.name_zh',
      's.name_en',
      'd.id as dataset_id',
      'd.name as dataset_name',
      'd.synthetic',
      sql<string>`r.summary->>'entities'`.as('entities'),
      sql<string | null>`r.sensitivity->>'draws'`.as('draws'),
    ])
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { total: Number(count?.n ?? 0), items };
}

/** A jurisdiction's datasets, newest first (without their rows). */
export async function listDatasets(db: Db, jurisdictionId: string, f: { limit: number; offset: number }) {
  const q = db.selectFrom('evaluation_datasets').where('jurisdiction_id', '=', jurisdictionId);
  const count = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const items = await q
    .select([
      'id',
      'name',
      'synthetic',
      'row_count',
      'created_at',
      sql<number>`jsonb_array_length(indicator_codes)`.as('indicator_count'),
      sql<string>`rejects->>'count'`.as('rejected_count'),
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { total: Number(count?.n ?? 0), items };
}

/** Every result of a run in rank order (unranked last), with the indicator values: for exports. */
export async function listAllResults(db: Db, run: { id: string; dataset_id: string }): Promise<ResultWithValues[]> {
  const rows = await resultsWithValues(db, run).selectAll('r').select('d.values').orderBy(sql`r.rank = 0`).orderBy('r.rank').orderBy('r.entity_code').execute();
  return rows.map(withValues);
}

export async function findDatasetByName(db: Db, jurisdictionId: string, name: string): Promise<DatasetRow | undefined> {
  return db.selectFrom('evaluation_datasets').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('name', '=', name).orderBy('created_at').executeTakeFirst();
}

export async function findRunOf(db: Db, systemVersionId: string, datasetId: string): Promise<RunRow | undefined> {
  return db.selectFrom('evaluation_runs').selectAll().where('system_version_id', '=', systemVersionId).where('dataset_id', '=', datasetId).orderBy('created_at').executeTakeFirst();
}

export async function latestPublished(db: Db, systemId: string): Promise<VersionRow | undefined> {
  return db.selectFrom('evaluation_system_versions').selectAll().where('system_id', '=', systemId).where('status', '=', 'published').orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function findSelfDataset(db: Db, jurisdictionId: string, kind: 'district' | 'department', period: string): Promise<DatasetRow | undefined> {
  return db.selectFrom('evaluation_datasets').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('source', '=', 'platform').where('entity_kind', '=', kind).where('period', '=', period).executeTakeFirst();
}

export async function latestRunOfDataset(db: Db, datasetId: string): Promise<RunRow | undefined> {
  return db.selectFrom('evaluation_runs').selectAll().where('dataset_id', '=', datasetId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/** Jurisdictions with work orders (read-only look at work-orders' table): the self-evaluation has data there. */
export async function jurisdictionsWithOrders(db: Db): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT j.id FROM jurisdictions j WHERE EXISTS (SELECT 1 FROM work_orders w WHERE w.jurisdiction_id = j.id) ORDER BY j.id`.execute(db);
  return rows.map((r) => r.id);
}
