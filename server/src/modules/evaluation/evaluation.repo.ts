/** SQL for indicator systems, datasets, runs and results. */
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
  d: { jurisdictionId: string; name: string; synthetic: boolean; indicatorCodes: string[]; rejects: unknown; rows: DatasetRowInsert[] },
): Promise<DatasetRow> {
  const row = await tx
    .insertInto('evaluation_datasets')
    .values({ jurisdiction_id: d.jurisdictionId, name: d.name, synthetic: d.synthetic, indicator_codes: json(d.indicatorCodes), row_count: d.rows.length, rejects: json(d.rejects) })
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

export interface ResultInsert {
  entityCode: string;
  name: string;
  class: string | null;
  province: string | null;
  region: string | null;
  total: number | null;
  rank: number;
  tier: string | null;
  coverage: number;
  nodeScores: Record<string, number | null>;
  flags: unknown;
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

export async function listResults(db: Db, runId: string, f: { class?: string; region?: string; tier?: string; limit: number; offset: number }) {
  let q = db.selectFrom('evaluation_results').where('run_id', '=', runId);
  if (f.class !== undefined) q = q.where('class', '=', f.class);
  if (f.region !== undefined) q = q.where('region', '=', f.region);
  if (f.tier !== undefined) q = q.where('tier', '=', f.tier);
  const count = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const items = await q.selectAll().orderBy('rank').orderBy('entity_code').limit(f.limit).offset(f.offset).execute();
  return { total: Number(count?.n ?? 0), items };
}
