/**
 * Category suggestion (分类) for work orders: training a jurisdiction's model on its own closed orders (topped up
 * with the shipped demo examples while it has few), storing and activating it, the weekly retrain timer, and
 * `suggestCategory` for intake — from the active model, cached per process and reloaded when a newer version is
 * activated (the active version row is re-read at most every few seconds, on use, like grid-locator.ts).
 */
import type { CategorySuggestion } from '@civicgrid/contracts/categories';
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, systemActor, type Actor, type RequestMeta } from '../../shared/actor.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import { demoExamples, orderText } from './classifier/demo-data.js';
import { Classifier, DEFAULT_TRAIN_OPTIONS, evaluate, splitHoldout, tokenize, type Evaluation } from './classifier/model.js';
import * as repo from './classifier.repo.js';

/** Below this many categorised closed orders of its own, a jurisdiction's training set adds the shipped demo examples. */
export const MIN_OWN_ORDERS = 200;
/** At most this many of the newest closed orders are read for training. */
export const MAX_TRAINING_ORDERS = 20_000;
export const HOLDOUT_FRACTION = 0.2;
export const SPLIT_SEED = 42;
/** Inactive models kept besides the active one (older ones are deleted when a new one is stored). */
export const KEEP_MODELS = 5;
/** The longest text a suggestion is asked for (a work order's description limit). */
export const MAX_CLASSIFY_TEXT = 4000;
/** How often a process re-reads the active version of a jurisdiction it has a model for. */
export const MODEL_CHECK_MS = 5000;
/** Timer handler of the weekly retrain (payload: { jurisdictionId }). */
export const RETRAIN_TIMER = 'work-orders.classifier-retrain';

export type ClassifierContext = Pick<AppContext, 'db' | 'outbox'> & Partial<Pick<AppContext, 'handlers' | 'log'>>;

export interface TrainMetrics {
  accuracy: number;
  top3Accuracy: number;
  /** Accuracy of always answering the most frequent training category, on the same held-out set. */
  majorityBaseline: number;
  /** The active model's accuracy on this held-out set (null when none was active). */
  previousAccuracy: number | null;
  meanConfidence: number;
  heldOut: number;
  trainSize: number;
  ownOrders: number;
  demoExamples: number;
  labels: number;
  perClass: Evaluation['perClass'];
  trainMs: number;
  options: { kind: string; bigrams: boolean; holdout: number; seed: number };
}

export interface TrainResult {
  jurisdictionId: string;
  version: number;
  activated: boolean;
  previousVersion: number | null;
  metrics: TrainMetrics;
}

export interface TrainOptions {
  actor?: Actor;
  request?: RequestMeta;
  /** Run inside this transaction (the timer handler's), instead of reading, then writing in a new one. */
  tx?: Db;
}

interface LabelledText {
  text: string;
  label: string;
}

/** The examples a jurisdiction trains on: its own orders, plus the demo examples while it has fewer than MIN_OWN_ORDERS. */
export function trainingSet(own: LabelledText[]): { examples: LabelledText[]; demo: number } {
  if (own.length >= MIN_OWN_ORDERS) return { examples: own, demo: 0 };
  const demo = demoExamples().map((e) => ({ text: e.text, label: e.label }));
  return { examples: [...own, ...demo], demo: demo.length };
}

/** Trains on 80 % (stratified, seeded split) and measures on the other 20 %, the active model too when given. */
export function trainAndEvaluate(examples: LabelledText[], active: Classifier | null): { model: Classifier; metrics: Omit<TrainMetrics, 'ownOrders' | 'demoExamples'> } {
  const { train, test } = splitHoldout(examples, HOLDOUT_FRACTION, SPLIT_SEED);
  const labels = new Set(train.map((e) => e.label));
  if (labels.size < 2) throw badRequest('classifier.too_few_examples', { examples: examples.length, labels: labels.size });
  const started = performance.now();
  const o = DEFAULT_TRAIN_OPTIONS;
  const model = Classifier.trainTokens(train.map((e) => ({ tokens: tokenize(e.text, o.bigrams), label: e.label })), { ...o });
  const trainMs = Math.round(performance.now() - started);
  const testTokens = test.map((e) => ({ tokens: tokenize(e.text, o.bigrams), label: e.label }));
  const ev = evaluate(model, testTokens);
  const counts = new Map<string, number>();
  for (const e of train) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const majority = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  const majorityBaseline = test.length ? test.filter((e) => e.label === majority).length / test.length : 0;
  const previousAccuracy = active ? round(evaluate(active, active.json.bigrams === o.bigrams ? testTokens : test.map((e) => ({ tokens: tokenize(e.text, active.json.bigrams), label: e.label }))).accuracy) : null;
  return {
    model,
    metrics: {
      accuracy: round(ev.accuracy),
      top3Accuracy: round(ev.top3Accuracy),
      majorityBaseline: round(majorityBaseline),
      previousAccuracy,
      meanConfidence: round(ev.meanConfidence),
      heldOut: test.length,
      trainSize: train.length,
      labels: model.labels.length,
      perClass: ev.perClass,
      trainMs,
      options: { kind: o.kind, bigrams: o.bigrams, holdout: HOLDOUT_FRACTION, seed: SPLIT_SEED },
    },
  };
}

/** A model's accuracy on the held-out part of `examples` (the same split trainAndEvaluate uses). */
export function heldOutAccuracy(examples: LabelledText[], model: Classifier): number {
  const { test } = splitHoldout(examples, HOLDOUT_FRACTION, SPLIT_SEED);
  return round(evaluate(model, test.map((e) => ({ tokens: tokenize(e.text, model.json.bigrams), label: e.label }))).accuracy);
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Trains a new model for a jurisdiction from its closed/rated orders that have a category (plus the shipped demo
 * examples while it has fewer than MIN_OWN_ORDERS), evaluates it on a held-out 20 %, stores it with its metrics and
 * activates it when no model is active or when it is at least as accurate as the active one on the same held-out
 * texts. Audited, published (`work_order.classifier_trained`), and — when the context has the handler registry —
 * the weekly retrain is (re)scheduled.
 */
export async function trainFromOrders(ctx: ClassifierContext, jurisdictionId: string, options: TrainOptions = {}): Promise<TrainResult> {
  const db = options.tx ?? ctx.db;
  if (!(await repo.jurisdictionExists(db, jurisdictionId))) throw notFound('classifier.jurisdiction_not_found', { id: jurisdictionId });
  const own = (await repo.listTrainingOrders(db, jurisdictionId, MAX_TRAINING_ORDERS)).map((o) => ({ text: orderText(o.title, o.description), label: o.category_code }));
  const { examples, demo } = trainingSet(own);
  const activeRow = await repo.findActive(db, jurisdictionId);
  const active = activeRow ? safeModel(activeRow.model) : null;
  const { model, metrics: m } = trainAndEvaluate(examples, active);
  const metrics: TrainMetrics = { ...m, ownOrders: own.length, demoExamples: demo };
  const actor = options.actor ?? systemActor('classifier', jurisdictionId);
  const result = await inTransaction(db, async (tx) => {
    await repo.lockJurisdiction(tx, jurisdictionId);
    // Another retrain may have activated a model while we trained: compare with what is active now.
    const current = await repo.findActive(tx, jurisdictionId);
    let previousAccuracy = metrics.previousAccuracy;
    if (current && current.version !== activeRow?.version) {
      const cm = safeModel(current.model);
      previousAccuracy = cm ? heldOutAccuracy(examples, cm) : null;
    }
    const activate = !current || previousAccuracy === null || metrics.accuracy >= previousAccuracy;
    const stored = { ...metrics, previousAccuracy: current ? previousAccuracy : null };
    const row = await repo.insertModel(tx, { jurisdictionId, kind: model.kind, labels: [...model.labels], model: model.toJSON(), metrics: stored as unknown as Record<string, unknown>, active: activate });
    const pruned = await repo.pruneModels(tx, jurisdictionId, KEEP_MODELS);
    const details = { version: row.version, activated: activate, previousVersion: current?.version ?? null, accuracy: metrics.accuracy, previousAccuracy: stored.previousAccuracy, heldOut: metrics.heldOut, ownOrders: own.length, demoExamples: demo, pruned };
    await recordAudit(tx, { actor, request: options.request ?? noRequest, action: 'work_order.classifier_train', jurisdictionId, objectType: 'work_order_classifier_model', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'work_order.classifier_trained', jurisdictionId, payload: details });
    if (ctx.handlers) {
      registerRetrainTimer(ctx as Pick<AppContext, 'db' | 'outbox' | 'handlers'>);
      await scheduleRetrain(ctx, tx, jurisdictionId);
    }
    return { jurisdictionId, version: row.version, activated: activate, previousVersion: current?.version ?? null, metrics: stored };
  });
  if (result.activated) cacheFor(ctx.db).invalidate(jurisdictionId);
  return result;
}

/** `trainFromOrders` for one jurisdiction, or for every jurisdiction in turn (the CLI's `classifier retrain`). */
export async function retrainClassifiers(ctx: ClassifierContext, jurisdictionId: string | undefined, options: TrainOptions = {}): Promise<TrainResult[]> {
  const ids = jurisdictionId ? [jurisdictionId] : await repo.listJurisdictionIds(ctx.db);
  const out: TrainResult[] = [];
  for (const id of ids) out.push(await trainFromOrders(ctx, id, options));
  return out;
}

function safeModel(json: unknown): Classifier | null {
  try {
    return Classifier.fromJSON(json);
  } catch {
    return null;
  }
}

/**
 * The demo jurisdiction's model: trained from the shipped data (about two seconds) when it has no active model;
 * nothing otherwise. Returns the new version, or null when one was there.
 */
export async function ensureDemoClassifier(ctx: ClassifierContext, jurisdictionId: string): Promise<number | null> {
  // Single flight per process: two seeds started together (tests, a racing start) train once; the other waits.
  let pending = demoTraining.get(ctx.db);
  if (!pending) demoTraining.set(ctx.db, (pending = new Map()));
  const running = pending.get(jurisdictionId);
  if (running) {
    await running.catch(() => null);
    return null;
  }
  const p = (async () => {
    if ((await repo.activeVersion(ctx.db, jurisdictionId)) > 0) return null;
    return (await trainFromOrders(ctx, jurisdictionId, { actor: systemActor('demo-seed', jurisdictionId) })).version;
  })().finally(() => pending.delete(jurisdictionId));
  pending.set(jurisdictionId, p);
  return p;
}

const demoTraining = new WeakMap<Db, Map<string, Promise<number | null>>>();

// ---------------------------------------------------------------------------------------------------------------
// Weekly retrain

/** The next Monday 03:00 Asia/Shanghai (Sunday 19:00 UTC) strictly after `now`. */
export function nextRetrainAt(now: Date): Date {
  const t = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 19, 0, 0));
  t.setUTCDate(t.getUTCDate() + ((7 - t.getUTCDay()) % 7));
  if (t.getTime() <= now.getTime()) t.setUTCDate(t.getUTCDate() + 7);
  return t;
}

/**
 * Schedules the jurisdiction's next weekly retrain. The key names the slot, so scheduling again for the same week
 * (a restart, a manual retrain) replaces the timer instead of adding one, and the running timer (whose slot has
 * passed) schedules the next one under a new key.
 */
export async function scheduleRetrain(ctx: Pick<AppContext, 'outbox'>, tx: Db, jurisdictionId: string, now = new Date()): Promise<Date> {
  const runAt = nextRetrainAt(now);
  await ctx.outbox.schedule(tx, { handler: RETRAIN_TIMER, key: `${jurisdictionId}@${runAt.toISOString().slice(0, 10)}`, runAt, jurisdictionId, payload: { jurisdictionId }, maxAttempts: 3 });
  return runAt;
}

/** Registers the weekly retrain handler (once per registry). */
export function registerRetrainTimer(ctx: Pick<AppContext, 'db' | 'outbox' | 'handlers'> & Partial<Pick<AppContext, 'log'>>): void {
  if (ctx.handlers.hasTimer(RETRAIN_TIMER)) return;
  ctx.handlers.onTimer(RETRAIN_TIMER, async (payload, job) => {
    const jurisdictionId = typeof payload.jurisdictionId === 'string' ? payload.jurisdictionId : job.jurisdictionId;
    if (!jurisdictionId) return;
    try {
      const r = await trainFromOrders(ctx, jurisdictionId, { tx: job.tx, actor: systemActor('classifier-retrain', jurisdictionId) });
      ctx.log?.info({ jurisdictionId, version: r.version, activated: r.activated, accuracy: r.metrics.accuracy }, 'classifier retrained');
    } catch (err) {
      // A jurisdiction that cannot be trained (gone, too few categories) is told in the log; the chain goes on.
      if (!(err instanceof AppError)) throw err;
      ctx.log?.warn({ jurisdictionId, code: err.code }, 'classifier retrain skipped');
    }
    await scheduleRetrain(ctx, job.tx, jurisdictionId);
  });
}

/** Keeps the weekly retrain scheduled for every jurisdiction with an active model (at start; idempotent). */
export async function scheduleRetrains(ctx: Pick<AppContext, 'db' | 'outbox' | 'handlers'>): Promise<number> {
  registerRetrainTimer(ctx);
  const ids = await repo.jurisdictionsWithActiveModel(ctx.db);
  if (ids.length === 0) return 0;
  await ctx.db.transaction().execute(async (tx) => {
    for (const id of ids) await scheduleRetrain(ctx, tx, id);
  });
  return ids.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Suggestions

export type { CategorySuggestion };

interface CacheEntry {
  version: number;
  model: Classifier | null;
  checkedAt: number;
  stale: boolean;
}

/** One jurisdiction → active model cache per database handle (the routes, the intake service and jobs share it). */
export class ModelCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #inflight = new Map<string, Promise<CacheEntry>>();

  constructor(
    private readonly db: Db,
    private readonly checkIntervalMs = MODEL_CHECK_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async model(jurisdictionId: string): Promise<{ version: number; model: Classifier } | null> {
    let e = this.#entries.get(jurisdictionId);
    if (!e || e.stale || this.now() - e.checkedAt >= this.checkIntervalMs) {
      let p = this.#inflight.get(jurisdictionId);
      if (!p) {
        p = this.#check(jurisdictionId).finally(() => this.#inflight.delete(jurisdictionId));
        this.#inflight.set(jurisdictionId, p);
      }
      e = await p;
    }
    return e.model ? { version: e.version, model: e.model } : null;
  }

  /** The version the cached model was loaded from (0: none or not loaded). */
  loadedVersion(jurisdictionId: string): number {
    return this.#entries.get(jurisdictionId)?.version ?? 0;
  }

  invalidate(jurisdictionId: string): void {
    const e = this.#entries.get(jurisdictionId);
    if (e) e.stale = true;
  }

  async #check(jurisdictionId: string): Promise<CacheEntry> {
    const current = this.#entries.get(jurisdictionId);
    const version = await repo.activeVersion(this.db, jurisdictionId);
    if (current && !current.stale && current.version === version) {
      current.checkedAt = this.now();
      return current;
    }
    const row = version > 0 ? await repo.findActive(this.db, jurisdictionId) : undefined;
    const entry: CacheEntry = { version: row?.version ?? 0, model: row ? safeModel(row.model) : null, checkedAt: this.now(), stale: false };
    this.#entries.set(jurisdictionId, entry);
    return entry;
  }
}

const caches = new WeakMap<Db, ModelCache>();

export function cacheFor(db: Db): ModelCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new ModelCache(db)));
  return c;
}

/**
 * The category suggested for a text (an order's title and description) from the jurisdiction's active model: the
 * best category with its probability as the confidence and the next two as alternatives; null when the
 * jurisdiction has no model.
 */
export async function suggestCategory(ctx: Pick<AppContext, 'db'>, jurisdictionId: string, text: string): Promise<CategorySuggestion | null> {
  if (text.length > MAX_CLASSIFY_TEXT) throw badRequest('classifier.text_too_long', { max: MAX_CLASSIFY_TEXT });
  if (text.trim() === '') throw badRequest('classifier.text_empty');
  const loaded = await cacheFor(ctx.db).model(jurisdictionId);
  if (!loaded) return null;
  const [best, ...rest] = loaded.model.predict(text, 3);
  return {
    categoryCode: best!.label,
    confidence: round(best!.probability),
    alternatives: rest.map((p) => ({ categoryCode: p.label, probability: round(p.probability) })),
    modelVersion: loaded.version,
  };
}

export interface ModelSummary {
  version: number;
  kind: string;
  labels: string[];
  active: boolean;
  trainedAt: string;
  activatedAt: string | null;
  metrics: Record<string, unknown>;
}

/** The stored models of a jurisdiction, newest first (without their weights). */
export async function listClassifierModels(ctx: Pick<AppContext, 'db'>, jurisdictionId: string): Promise<ModelSummary[]> {
  return (await repo.listModels(ctx.db, jurisdictionId)).map((r) => ({
    version: r.version,
    kind: r.kind,
    labels: r.labels,
    active: r.active,
    trainedAt: new Date(r.trained_at).toISOString(),
    activatedAt: r.activated_at ? new Date(r.activated_at).toISOString() : null,
    metrics: r.metrics,
  }));
}
