/** SQL for the stored category classifier models, and the read of closed orders they are trained on. */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';
import type { ModelJson } from './classifier/model.js';

const VERSION_LOCK = 7243044;

export interface ModelRow {
  id: string;
  jurisdiction_id: string;
  version: number;
  kind: 'nb' | 'softmax';
  labels: string[];
  metrics: Record<string, unknown>;
  trained_at: Date;
  active: boolean;
  activated_at: Date | null;
}

const summary = ['id', 'jurisdiction_id', 'version', 'kind', 'labels', 'metrics', 'trained_at', 'active', 'activated_at'] as const;

export async function jurisdictionExists(db: Db, jurisdictionId: string): Promise<boolean> {
  return (await db.selectFrom('jurisdictions').select('id').where('id', '=', jurisdictionId).executeTakeFirst()) !== undefined;
}

export async function listJurisdictionIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('jurisdictions').select('id').orderBy('id').execute()).map((r) => r.id);
}

/** Closed or rated orders with a category: the jurisdiction's own training data (newest first, bounded). */
export async function listTrainingOrders(db: Db, jurisdictionId: string, limit: number): Promise<{ id: string; title: string; description: string; category_code: string }[]> {
  const rows = await db
    .selectFrom('work_orders')
    .select(['id', 'title', 'description', 'category_code'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('status', 'in', ['closed', 'rated'])
    .where('category_code', 'is not', null)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, category_code: r.category_code! }));
}

/** The active model's version (0 when none): the row a process re-reads to notice a newly activated model. */
export async function activeVersion(db: Db, jurisdictionId: string): Promise<number> {
  const r = await db
    .selectFrom('work_order_classifier_models')
    .select('version')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('active', '=', true)
    .executeTakeFirst();
  return r?.version ?? 0;
}

export async function findActive(db: Db, jurisdictionId: string): Promise<(ModelRow & { model: ModelJson }) | undefined> {
  return (await db
    .selectFrom('work_order_classifier_models')
    .select([...summary, 'model'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('active', '=', true)
    .executeTakeFirst()) as (ModelRow & { model: ModelJson }) | undefined;
}

export async function listModels(db: Db, jurisdictionId: string): Promise<ModelRow[]> {
  return db.selectFrom('work_order_classifier_models').select([...summary]).where('jurisdiction_id', '=', jurisdictionId).orderBy('version', 'desc').execute();
}

/** Jurisdictions that have an active model (the weekly retrain is kept scheduled for them). */
export async function jurisdictionsWithActiveModel(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('work_order_classifier_models').select('jurisdiction_id').where('active', '=', true).orderBy('jurisdiction_id').execute();
  return rows.map((r) => r.jurisdiction_id);
}

/** Serialises storing models of one jurisdiction (version numbers, the one-active rule). */
export async function lockJurisdiction(tx: Db, jurisdictionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${VERSION_LOCK}, hashtext(${jurisdictionId}))`.execute(tx);
}

export async function insertModel(
  tx: Db,
  m: { jurisdictionId: string; kind: 'nb' | 'softmax'; labels: string[]; model: ModelJson; metrics: Record<string, unknown>; active: boolean },
): Promise<ModelRow> {
  const next = await tx
    .selectFrom('work_order_classifier_models')
    .select(sql<number>`coalesce(max(version), 0) + 1`.as('v'))
    .where('jurisdiction_id', '=', m.jurisdictionId)
    .executeTakeFirstOrThrow();
  if (m.active) {
    await tx.updateTable('work_order_classifier_models').set({ active: false }).where('jurisdiction_id', '=', m.jurisdictionId).where('active', '=', true).execute();
  }
  return tx
    .insertInto('work_order_classifier_models')
    .values({
      jurisdiction_id: m.jurisdictionId,
      version: Number(next.v),
      kind: m.kind,
      labels: JSON.stringify(m.labels),
      model: JSON.stringify(m.model),
      metrics: JSON.stringify(m.metrics),
      active: m.active,
      activated_at: m.active ? new Date() : null,
    })
    .returning([...summary])
    .executeTakeFirstOrThrow();
}

/** Deletes inactive models beyond the newest `keep` (the active one always stays); returns how many went. */
export async function pruneModels(tx: Db, jurisdictionId: string, keep: number): Promise<number> {
  const r = await sql`
    DELETE FROM work_order_classifier_models
    WHERE jurisdiction_id = ${jurisdictionId} AND NOT active
      AND version NOT IN (SELECT version FROM work_order_classifier_models WHERE jurisdiction_id = ${jurisdictionId} ORDER BY version DESC LIMIT ${keep})`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}
