/**
 * Inspectors on patrol: my grids, my tasks (derived, with deadlines from the performance scheme's limits), task
 * results done on site (photos + position, through the work-order lifecycle), and problems reported from patrol
 * (立案 directly). Results and reports carry the Idempotency-Key the device fixed when the inspector acted; the key
 * is stored with the result (in the transition's transaction) or the report (in the create's transaction), so a
 * request sent again — after a lost answer, or from an offline queue days later — is answered with what the first
 * did, and nothing is applied twice.
 */
import type { InspectorTasks, TaskResultView, TaskView } from '@civicgrid/contracts/inspector';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../app-context.js';
import { authorizeAny, canOn, type Principal } from '../identity/index.js';
import { resolveScheme, type Limits } from '../performance/index.js';
import { createWorkOrder, transitionWorkOrder, type Caller, type RequestType, type Urgency } from '../work-orders/index.js';
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.js';
import './inspector.policy.js';
import * as repo from './inspector.repo.js';
import { actionOf, compareOpen, kindOfOutcome, needsReason, openTask, taskDue, taskKindOf, type Outcome } from './tasks.js';

export type InspectorContext = Pick<AppContext, 'db' | 'outbox'> & { config: Pick<AppContext['config'], 'secretKey'> };

/** Done tasks stay in the list (after the open ones) for this long, so the inspector sees what was sent. */
export const RECENT_DONE_MS = 24 * 3_600_000;
const MAX_RECENT_DONE = 50;

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

const iso = (v: Date | string) => new Date(v).toISOString();

function userOf(principal: Principal) {
  authorizeAny(principal, 'inspector.patrol');
  if (principal.kind !== 'user') throw new AppError('forbidden', 'auth.user_required');
  return principal;
}

export async function limitsFor(ctx: InspectorContext, jurisdictionId: string): Promise<Limits> {
  return (await resolveScheme(ctx, jurisdictionId)).definition.limits;
}

export async function myGrids(ctx: InspectorContext, principal: Principal) {
  const user = userOf(principal);
  const rows = await repo.myGrids(ctx.db, user.jurisdictionId, user.userId);
  return { items: rows.map((r) => ({ code: r.code, name: r.name, geometry: JSON.parse(r.geojson) as unknown })) };
}

export type { TaskView };

function resultView(r: repo.ResultRow): TaskResultView {
  return {
    id: r.id,
    outcome: r.outcome,
    doneAt: iso(r.done_at),
    actedAt: iso(r.acted_at),
    onTime: new Date(r.done_at).getTime() <= new Date(r.due_at).getTime(),
    position: r.lng === null || r.lat === null ? null : { lng: r.lng, lat: r.lat, accuracyM: r.accuracy_m },
    distanceM: r.distance_m === null ? null : Math.round(r.distance_m),
  };
}

function doneView(r: repo.ResultRow): TaskView {
  return {
    kind: r.kind,
    state: 'done',
    since: iso(r.task_since),
    dueAt: iso(r.due_at),
    overdue: new Date(r.done_at).getTime() > new Date(r.due_at).getTime(),
    order: { id: r.work_order_id, code: r.code, title: r.title, description: null, requestType: '', categoryCode: null, category: null, channel: null, urgency: null, address: null, gridCode: null, status: r.status, version: r.version, location: null, photos: [] },
    result: resultView(r),
  };
}

/**
 * My tasks: open ones first (soonest deadline first, overdue flagged), then what I did in the last day. Open tasks
 * are the orders in the grids I am responsible for that my grant lets me act on (responsibility and grant normally
 * agree; where they do not, a task I could not complete is not shown).
 */
export async function listTasks(ctx: InspectorContext, principal: Principal, now = new Date()): Promise<InspectorTasks> {
  const user = userOf(principal);
  const limits = await limitsFor(ctx, user.jurisdictionId);
  const rows = await repo.openTaskOrders(ctx.db, user.jurisdictionId, user.userId);
  const open: Array<TaskView & { key: string; sort: ReturnType<typeof openTask> }> = [];
  for (const r of rows) {
    const kind = taskKindOf({ status: r.status, requestType: r.request_type });
    if (!kind) continue;
    if (!canOn(user, 'work_order.act', { jurisdictionId: user.jurisdictionId, gridCode: r.grid_code })) continue;
    const since = kind === 'check' && r.reported_at ? new Date(r.reported_at) : new Date(r.created_at);
    const task = openTask(kind, since, limits, now);
    const photos = typeof r.photos === 'string' ? (JSON.parse(r.photos) as string[]) : (r.photos ?? []);
    open.push({
      key: r.id,
      sort: task,
      kind,
      state: 'open',
      since: task.since.toISOString(),
      dueAt: task.dueAt.toISOString(),
      overdue: task.overdue,
      order: {
        id: r.id,
        code: r.code,
        title: r.title,
        description: r.description,
        requestType: r.request_type,
        categoryCode: r.category_code,
        category: r.category_zh ? { zh: r.category_zh, en: r.category_en } : null,
        channel: r.channel,
        urgency: r.urgency,
        address: r.address,
        gridCode: r.grid_code,
        status: r.status,
        version: r.version,
        location: r.lng === null || r.lat === null ? null : { lng: r.lng, lat: r.lat },
        photos,
      },
      result: null,
    });
  }
  open.sort((a, b) => compareOpen({ ...a.sort, key: a.key }, { ...b.sort, key: b.key }));
  const done = await repo.recentResults(ctx.db, user.userId, new Date(now.getTime() - RECENT_DONE_MS), MAX_RECENT_DONE);
  return {
    now: now.toISOString(),
    limits,
    items: [...open.map(({ key: _k, sort: _s, ...view }) => view), ...done.map(doneView)],
  };
}

export interface TaskResultInput {
  workOrderId: string;
  /** The order's version the inspector saw when acting (a change since then is a 409, nothing is applied). */
  version: number;
  outcome: Outcome;
  note?: string | null;
  photoIds: string[];
  position?: { lng: number; lat: number; accuracyM?: number | null } | null;
  /** When the inspector acted on the device (an offline result arrives later). */
  actedAt?: Date;
}

/**
 * Completes a task on site: the lifecycle action of the outcome, with the photos in its timeline entry, and the
 * result row (position, distance to the order's point, the key) in the same transaction.
 */
export async function completeTask(ctx: InspectorContext, caller: Caller, input: TaskResultInput, key: string, now = new Date()) {
  const user = userOf(caller.principal ?? nobody());
  const hash = requestHash({ ...input, actedAt: input.actedAt?.toISOString() ?? null });
  const earlier = await repo.findResult(ctx.db, user.userId, key);
  if (earlier) return replayResult(earlier, hash);

  const photos = [...new Set(input.photoIds)];
  if (photos.length === 0) throw badRequest('inspector.photo_required');
  if (needsReason(input.outcome) && !input.note?.trim()) throw badRequest('inspector.reason_required');
  try {
    const order = await repo.orderForTask(ctx.db, user.jurisdictionId, input.workOrderId);
    if (!order || !canOn(user, 'work_order.read', { jurisdictionId: user.jurisdictionId, gridCode: order.grid_code })) {
      throw notFound('work_order.not_found', { id: input.workOrderId });
    }
    const kind = kindOfOutcome(input.outcome);
    const openKind = taskKindOf({ status: order.status, requestType: order.request_type });
    if (openKind !== kind) throw conflict('inspector.task_not_open', { code: order.code, status: order.status }, { status: order.status, version: order.version });
    const limits = await limitsFor(ctx, user.jurisdictionId);
    const since = kind === 'check' && order.reported_at ? new Date(order.reported_at) : new Date(order.created_at);
    const position = input.position ? { lng: input.position.lng, lat: input.position.lat, accuracyM: input.position.accuracyM ?? null } : null;
    await transitionWorkOrder(
      ctx,
      { jurisdictionId: user.jurisdictionId, id: order.id, expectedVersion: input.version },
      actionOf(input.outcome, input.note ?? null, photos),
      caller,
      now,
      {
        within: (tx, done) =>
          repo.insertResult(tx, {
            jurisdictionId: user.jurisdictionId,
            workOrderId: order.id,
            inspectorId: user.userId,
            kind,
            outcome: input.outcome,
            timelineEntryId: done.timelineEntryId,
            taskSince: since,
            dueAt: taskDue(kind, since, limits),
            doneAt: now,
            actedAt: input.actedAt && input.actedAt <= now ? input.actedAt : now,
            position,
            key,
            requestHash: hash,
          }),
      },
    );
  } catch (err) {
    // The same key sent twice at once: the other request won (this one lost the race, saw the task done, or hit
    // the key's unique constraint) — answer with what it did.
    const winner = await repo.findResult(ctx.db, user.userId, key);
    if (winner) return replayResult(winner, hash);
    throw err;
  }
  const stored = await repo.findResult(ctx.db, user.userId, key);
  return { replayed: false, ...taskResultBody(stored!) };
}

function nobody(): never {
  throw new AppError('unauthenticated', 'auth.unauthenticated');
}

function replayResult(row: repo.ResultRow, hash: string) {
  if (row.request_hash !== hash) throw new AppError('unprocessable', 'inspector.idempotency_key_reused');
  return { replayed: true, ...taskResultBody(row) };
}

function taskResultBody(row: repo.ResultRow) {
  return { result: { ...resultView(row), kind: row.kind }, order: { id: row.work_order_id, code: row.code, status: row.status, version: row.version } };
}

export interface ReportInput {
  requestType: Extract<RequestType, 'component' | 'event'>;
  categoryCode?: string | null;
  title?: string | null;
  description: string;
  location: { lng: number; lat: number };
  address?: string | null;
  urgency?: Urgency;
  photoIds: string[];
  actedAt?: Date;
}

const MAX_TITLE = 40;

/** A title from the description when none is given: its first line, cut to a headline. */
export function titleFrom(description: string): string {
  const line = description.trim().split(/\r?\n/)[0] ?? '';
  return [...line].slice(0, MAX_TITLE).join('');
}

/**
 * A problem found on patrol: created as an inspector's order (channel `inspector`, photos linked, the key stored with
 * it) and registered (立案) at once by the same inspector — no 核实 is needed for what they saw themselves. The two
 * steps are two transactions; a retry with the same key finishes a registration the first attempt did not reach.
 * Outside the inspector's own grids the order stays with intake (received) like any other report.
 */
export async function reportProblem(ctx: InspectorContext, caller: Caller, input: ReportInput, key: string, now = new Date()) {
  const user = userOf(caller.principal ?? nobody());
  const body = { ...input, actedAt: input.actedAt?.toISOString() ?? null };
  const hash = requestHash(body);
  const earlier = await repo.findReport(ctx.db, user.userId, key);
  let orderId: string;
  let replayed = false;
  if (earlier) {
    if (earlier.request_hash !== hash) throw new AppError('unprocessable', 'inspector.idempotency_key_reused');
    orderId = earlier.work_order_id;
    replayed = true;
  } else {
    if (input.photoIds.length === 0) throw badRequest('inspector.photo_required');
    const title = input.title?.trim() || titleFrom(input.description);
    const created = await createWorkOrder(
      ctx,
      {
        jurisdictionId: user.jurisdictionId,
        channel: 'inspector',
        requestType: input.requestType,
        categoryCode: input.categoryCode ?? null,
        title,
        description: input.description,
        location: input.location,
        address: input.address ?? null,
        urgency: input.urgency ?? 'normal',
        attachmentIds: input.photoIds,
      },
      caller,
      {
        idempotency: { scope: `inspector:${user.userId}`, key, body },
        now,
        within: (tx, order) => repo.insertReport(tx, { inspectorId: user.userId, key, jurisdictionId: order.jurisdictionId, workOrderId: order.id, requestHash: hash, actedAt: input.actedAt && input.actedAt <= now ? input.actedAt : now }),
      },
    );
    orderId = created.order.id;
    replayed = created.replayed;
  }
  let state = await repo.orderState(ctx.db, orderId);
  if (state && state.status === 'received' && canOn(user, 'work_order.act', { jurisdictionId: user.jurisdictionId, gridCode: state.grid_code })) {
    try {
      await transitionWorkOrder(ctx, { jurisdictionId: user.jurisdictionId, id: orderId, expectedVersion: state.version }, { type: 'accept' }, caller, now);
    } catch (err) {
      // Someone (a dispatcher, or this same report sent twice at once) moved it first: what it is now is the answer.
      if (!(err instanceof AppError && err.kind === 'conflict')) throw err;
    }
    state = await repo.orderState(ctx.db, orderId);
  }
  return {
    replayed,
    order: { id: orderId, code: state!.code, status: state!.status, version: state!.version, gridCode: state!.grid_code },
    registered: !['received', 'rejected', 'merged', 'cancelled'].includes(state!.status),
  };
}
