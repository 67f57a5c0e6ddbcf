import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../identity/index.js';
import { loadCatalog } from '../../shared/i18n.js';
import {
  ACTION_TYPES,
  CLOCK_RUNNING_STATUSES,
  FINAL_STATUSES,
  FINISHED_STATUSES,
  FINISHING_ACTIONS,
  OPEN_STATUSES,
  ROLES_FOR,
  STATUSES,
  SYSTEM_ACTION_TYPES,
  allowedActions,
  apply,
  applySystem,
  isFinished,
  newOrder,
  type Action,
  type ActionType,
  type Actor,
  type LifecycleOrder,
  type Status,
  type SystemAction,
  type SystemActionType,
} from './lifecycle.js';

const NOW = new Date('2026-11-22T02:00:00Z');
const DEPT = 'dept-roads';

/**
 * The whole machine written out once more, by hand, as the spec: for every status, the actions that are possible
 * (given a suitable actor and order) and the status each leads to. Typed Record<Status, …> so a new status does
 * not compile until someone writes down what may happen in it.
 */
const SPEC: Record<Status, Partial<Record<ActionType, Status>>> = {
  received: { accept: 'accepted', answer: 'answered', reject: 'rejected', cancel: 'cancelled', merge: 'merged', transfer: 'transferred' },
  accepted: { dispatch: 'dispatched', cancel: 'cancelled', merge: 'merged', transfer: 'transferred', supervise: 'accepted' },
  answered: { rate: 'rated' },
  rejected: {},
  dispatched: { sign: 'signed', return: 'returned', suspend: 'suspended', cancel: 'cancelled', supervise: 'dispatched' },
  signed: {
    start: 'in_progress',
    return: 'returned',
    suspend: 'suspended',
    cancel: 'cancelled',
    supervise: 'signed',
    request_extension: 'signed',
    approve_extension: 'signed',
    deny_extension: 'signed',
  },
  in_progress: {
    report: 'reported',
    suspend: 'suspended',
    cancel: 'cancelled',
    supervise: 'in_progress',
    request_extension: 'in_progress',
    approve_extension: 'in_progress',
    deny_extension: 'in_progress',
  },
  reported: {
    verify_pass: 'verified',
    verify_fail: 'in_progress',
    supervise: 'reported',
    approve_extension: 'reported',
    deny_extension: 'reported',
  },
  verified: { close: 'closed', supervise: 'verified' },
  closed: { rate: 'rated' },
  rated: {},
  under_review: { reopen: 'accepted', uphold: 'rated', supervise: 'under_review' },
  returned: { dispatch: 'dispatched', cancel: 'cancelled', merge: 'merged', transfer: 'transferred', supervise: 'returned' },
  suspended: {
    resume: 'in_progress',
    cancel: 'cancelled',
    supervise: 'suspended',
    approve_extension: 'suspended',
    deny_extension: 'suspended',
  },
  cancelled: {},
  merged: {},
  transferred: {},
};

/** The system's own transitions (no user takes them), written out the same way. */
const SYSTEM_SPEC: Record<Status, Partial<Record<SystemActionType, Status>>> = {
  received: {},
  accepted: {},
  answered: { default_rate: 'rated' },
  rejected: {},
  dispatched: {},
  signed: {},
  in_progress: {},
  reported: {},
  verified: {},
  // Finished and not rated within the rating period: 默认满意.
  closed: { default_rate: 'rated' },
  rated: {},
  under_review: {},
  returned: {},
  suspended: {},
  cancelled: {},
  merged: {},
  // The peer refused the transfer: back to local work, for the dispatcher to route again.
  transferred: { transfer_failed: 'accepted' },
};
const SYSTEM_ACTIONS: Record<SystemActionType, SystemAction> = {
  transfer_failed: { type: 'transfer_failed', reason: 'HTTP 400: service_code not found', peer: '乙市 12345' },
  default_rate: { type: 'default_rate', days: 10 },
};
/** What each system transition changes besides the status, and the timeline entry's note and data. */
const SYSTEM_EFFECT: Record<SystemActionType, { next: Partial<LifecycleOrder>; note: string | null; data: Record<string, string | number> }> = {
  transfer_failed: { next: { departmentId: null }, note: 'HTTP 400: service_code not found', data: { peer: '乙市 12345' } },
  default_rate: { next: { rating: 'satisfied', departmentId: DEPT }, note: null, data: { rating: 'satisfied', default: 1, days: 10 } },
};

/** A complete, valid action of each type. */
const ACTIONS: Record<ActionType, Action> = {
  accept: { type: 'accept' },
  answer: { type: 'answer', note: '办理时间为工作日 9:00–17:00' },
  reject: { type: 'reject', reason: '不属于受理范围' },
  dispatch: { type: 'dispatch', departmentId: DEPT },
  sign: { type: 'sign' },
  return: { type: 'return', reason: '非本单位职责' },
  start: { type: 'start' },
  report: { type: 'report', note: '已修复路面', photos: ['p1.jpg'] },
  verify_pass: { type: 'verify_pass' },
  verify_fail: { type: 'verify_fail', reason: '坑洼仍在' },
  close: { type: 'close' },
  rate: { type: 'rate', rating: 'satisfied' },
  reopen: { type: 'reopen', reason: '回访核实问题未解决' },
  uphold: { type: 'uphold', note: '已按规定办理' },
  suspend: { type: 'suspend', reason: '等待产权单位确认' },
  resume: { type: 'resume' },
  cancel: { type: 'cancel', reason: '重复提交' },
  merge: { type: 'merge', parentId: 'parent-1' },
  transfer: { type: 'transfer', peerId: 'peer-1', note: '属邻市辖区' },
  supervise: { type: 'supervise', note: '超期督办' },
  request_extension: { type: 'request_extension', days: 5, reason: '需协调多部门' },
  approve_extension: { type: 'approve_extension' },
  deny_extension: { type: 'deny_extension', reason: '理由不充分' },
};

/** An order in `status` on which `action`'s own conditions hold (enquiry to answer, pending extension to decide…). */
function orderFor(status: Status, action: ActionType): LifecycleOrder {
  const order: LifecycleOrder = { ...newOrder(action === 'answer' ? 'enquiry' : 'complaint'), status };
  if (!['received', 'accepted', 'returned'].includes(status)) order.departmentId = DEPT;
  if (status === 'suspended') order.suspendedFrom = 'in_progress';
  if (action === 'approve_extension' || action === 'deny_extension') order.extension = { state: 'requested', days: 3, reason: 'x' };
  if (status === 'under_review') order.rating = 'unsatisfied';
  if (status === 'rated') order.rating = 'satisfied';
  return order;
}

const actorFor = (role: Role): Actor => ({ userId: `u-${role}`, role, departmentId: role === 'handler' ? DEPT : null });

describe('lifecycle: every (status, action) pair', () => {
  for (const status of STATUSES) {
    for (const type of ACTION_TYPES) {
      const expected = SPEC[status][type];
      it(`${status} × ${type} → ${expected ?? 'refused'}`, () => {
        const order = orderFor(status, type);
        const actor = actorFor(ROLES_FOR[type][0]!);
        const result = apply(order, ACTIONS[type], actor, NOW);
        if (expected === undefined) {
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.refusal).toMatchObject({ code: 'work_order.transition_not_allowed', status, action: type });
          if (result.refusal.code === 'work_order.transition_not_allowed') {
            expect(result.refusal.allowed).toEqual(allowedActions(order, actor));
            expect(result.refusal.allowed).not.toContain(type);
          }
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.next.status).toBe(expected);
        expect(result.entry).toMatchObject({ action: type, from: status, to: expected, actorId: actor.userId, actorRole: actor.role, at: NOW });
        // The input order is never mutated: the service compares it with the stored version.
        expect(order.status).toBe(status);
      });
    }
  }

  it('names no action the spec does not know, and every action is possible from some status', () => {
    for (const type of ACTION_TYPES) expect(STATUSES.some((s) => SPEC[s][type] !== undefined), type).toBe(true);
  });
});

describe('lifecycle: the system transitions, every (status, action) pair', () => {
  for (const status of STATUSES) {
    for (const type of SYSTEM_ACTION_TYPES) {
      const expected = SYSTEM_SPEC[status][type];
      it(`${status} × ${type} → ${expected ?? 'refused'}`, () => {
        const order: LifecycleOrder = { ...newOrder('complaint'), status, departmentId: status === 'transferred' ? null : DEPT };
        const result = applySystem(order, SYSTEM_ACTIONS[type], NOW);
        if (expected === undefined) {
          expect(result).toEqual({ ok: false, refusal: { code: 'work_order.transition_not_allowed', status, action: type } });
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const effect = SYSTEM_EFFECT[type];
        expect(result.next).toMatchObject({ status: expected, ...effect.next });
        expect(result.entry).toEqual({ action: type, from: status, to: expected, actorId: null, actorRole: 'system', at: NOW, note: effect.note, photos: [], data: effect.data });
        expect(order.status).toBe(status);
      });
    }
  }

  it('no user can take a system transition (it is not one of the actions)', () => {
    for (const type of SYSTEM_ACTION_TYPES) expect(ACTION_TYPES as readonly string[]).not.toContain(type);
  });

  it('默认满意 only for an order nobody rated: a rating already given stands', () => {
    for (const rating of ['satisfied', 'basically', 'unsatisfied'] as const) {
      const rated = applySystem({ ...newOrder('complaint'), status: 'closed', rating }, SYSTEM_ACTIONS.default_rate, NOW);
      expect(rated).toEqual({ ok: false, refusal: { code: 'work_order.transition_not_allowed', status: 'closed', action: 'default_rate' } });
    }
    const unrated = applySystem({ ...newOrder('enquiry'), status: 'answered' }, SYSTEM_ACTIONS.default_rate, NOW);
    if (!unrated.ok) throw new Error('refused');
    // Once rated by default, nobody rates it again, and there is nothing to review.
    for (const role of ['resident', 'agent', 'dispatcher'] as const) expect(allowedActions(unrated.next, actorFor(role))).not.toContain('rate');
    expect(allowedActions(unrated.next, actorFor('dispatcher'))).not.toContain('reopen');
  });

  it('an order back from a failed transfer can be dispatched or transferred again', () => {
    const back = applySystem({ ...newOrder('complaint'), status: 'transferred' }, SYSTEM_ACTIONS.transfer_failed, NOW);
    if (!back.ok) throw new Error('refused');
    expect(allowedActions(back.next, actorFor('dispatcher'))).toEqual(expect.arrayContaining(['dispatch', 'transfer']));
  });
});

describe('lifecycle: roles', () => {
  it('refuses every possible transition to every role not listed for it, and allows it to every listed role', () => {
    for (const status of STATUSES) {
      for (const type of ACTION_TYPES) {
        if (SPEC[status][type] === undefined) continue;
        const order = orderFor(status, type);
        for (const role of ROLES) {
          const ok = apply(order, ACTIONS[type], actorFor(role), NOW).ok;
          expect(ok, `${role} ${type} in ${status}`).toBe(ROLES_FOR[type].includes(role));
        }
      }
    }
  });

  it('lets a handler act only on orders dispatched to their own department', () => {
    const order: LifecycleOrder = { ...newOrder('complaint'), status: 'dispatched', departmentId: DEPT };
    expect(allowedActions(order, { userId: 'h', role: 'handler', departmentId: DEPT })).toEqual(['sign', 'return']);
    expect(allowedActions(order, { userId: 'h', role: 'handler', departmentId: 'dept-water' })).toEqual([]);
    expect(allowedActions(order, { userId: 'h', role: 'handler' })).toEqual([]);
  });

  it('transfers to a peer: the department is let go, the peer kept in the entry, and nothing more happens locally', () => {
    const accepted: LifecycleOrder = { ...newOrder('complaint'), status: 'accepted' };
    const result = apply(accepted, { type: 'transfer', peerId: 'peer-9', note: '邻市管辖' }, actorFor('dispatcher'), NOW);
    expect(result).toMatchObject({ ok: true, next: { status: 'transferred', departmentId: null }, entry: { data: { peerId: 'peer-9' }, note: '邻市管辖' } });
    if (!result.ok) return;
    for (const role of ROLES) expect(allowedActions(result.next, actorFor(role))).toEqual([]);
    expect(apply(accepted, { type: 'transfer', peerId: 'peer-9' }, actorFor('agent'), NOW)).toMatchObject({ ok: false, refusal: { code: 'work_order.transition_not_allowed' } });
  });

  it('lists what each role may do on a fresh order', () => {
    const order = newOrder('complaint');
    expect(allowedActions(order, actorFor('agent'))).toEqual(['accept', 'reject']);
    expect(allowedActions(order, actorFor('dispatcher'))).toEqual(['accept', 'reject', 'cancel', 'merge', 'transfer']);
    expect(allowedActions(order, actorFor('resident'))).toEqual([]);
    expect(allowedActions(newOrder('enquiry'), actorFor('agent'))).toEqual(['accept', 'answer', 'reject']);
    // 核实: an inspector confirms a report on site (accept) or finds it not real (reject); answering stays with intake.
    expect(allowedActions(order, actorFor('inspector'))).toEqual(['accept', 'reject']);
    expect(allowedActions(newOrder('enquiry'), actorFor('inspector'))).toEqual(['accept', 'reject']);
  });

  it("keeps the photos of an inspector's 核实 in the timeline entry, whichever way it goes", () => {
    const order = newOrder('event');
    const confirmed = apply(order, { type: 'accept', note: '现场确认', photos: ['p1', 'p2'] }, actorFor('inspector'), NOW);
    expect(confirmed).toMatchObject({ ok: true, next: { status: 'accepted' }, entry: { actorRole: 'inspector', note: '现场确认', photos: ['p1', 'p2'] } });
    const notReal = apply(order, { type: 'reject', reason: '现场未发现问题', photos: ['p3'] }, actorFor('inspector'), NOW);
    expect(notReal).toMatchObject({ ok: true, next: { status: 'rejected' }, entry: { note: '现场未发现问题', photos: ['p3'] } });
    expect(apply(order, { type: 'reject', reason: ' ' }, actorFor('inspector'), NOW)).toMatchObject({ ok: false, refusal: { code: 'work_order.field_required', field: 'reason' } });
  });
});

describe('lifecycle: journeys and counters', () => {
  const run = (order: LifecycleOrder, steps: Array<[Role, Action]>) => {
    const entries = [];
    for (const [role, action] of steps) {
      const result = apply(order, action, actorFor(role), NOW);
      if (!result.ok) throw new Error(`${action.type} refused: ${JSON.stringify(result.refusal)}`);
      order = result.next;
      entries.push(result.entry);
    }
    return { order, entries };
  };

  it('walks the closed loop with a misroute, a rework and an unsatisfied rating that reopens', () => {
    const { order, entries } = run(newOrder('complaint'), [
      ['agent', ACTIONS.accept],
      ['dispatcher', { type: 'dispatch', departmentId: 'dept-water' }],
      ['dispatcher', ACTIONS.supervise],
      ['dispatcher', ACTIONS.suspend],
      ['dispatcher', ACTIONS.resume],
    ]);
    expect(order.status).toBe('dispatched');
    expect(order.supervised).toBe(true);
    expect(entries.map((e) => e.to)).toEqual(['accepted', 'dispatched', 'dispatched', 'suspended', 'dispatched']);

    const waterHandler: Actor = { userId: 'hw', role: 'handler', departmentId: 'dept-water' };
    const returned = apply(order, ACTIONS.return, waterHandler, NOW);
    expect(returned.ok && returned.next).toMatchObject({ status: 'returned', departmentId: null, returnCount: 1 });
    expect(returned.ok && returned.entry.data).toEqual({ departmentId: 'dept-water' });
    if (!returned.ok) return;

    const rest = run(returned.next, [
      ['dispatcher', ACTIONS.dispatch],
      ['handler', ACTIONS.sign],
      ['handler', ACTIONS.start],
      ['handler', ACTIONS.report],
      ['inspector', ACTIONS.verify_fail],
      ['handler', ACTIONS.report],
      ['inspector', ACTIONS.verify_pass],
      ['dispatcher', ACTIONS.close],
      ['resident', { type: 'rate', rating: 'unsatisfied', comment: '没修好' }],
      ['dispatcher', ACTIONS.reopen],
    ]);
    expect(rest.order).toMatchObject({ status: 'accepted', reworkCount: 1, returnCount: 1, reopenCount: 1, rating: null, departmentId: null });
    expect(rest.entries.find((e) => e.action === 'verify_fail')!.data).toEqual({ reworkCount: 1 });
    expect(rest.entries.find((e) => e.action === 'rate')).toMatchObject({ to: 'under_review', note: '没修好', data: { rating: 'unsatisfied' } });
    expect(rest.entries.find((e) => e.action === 'report')!.photos).toEqual(['p1.jpg']);
  });

  it('resumes a suspension to the status it interrupted', () => {
    for (const from of ['dispatched', 'signed', 'in_progress'] as const) {
      const { order } = run({ ...newOrder('help'), status: from, departmentId: DEPT }, [
        ['dispatcher', ACTIONS.suspend],
        ['dispatcher', ACTIONS.resume],
      ]);
      expect(order).toMatchObject({ status: from, suspendedFrom: null });
    }
  });

  it('keeps one extension request pending at a time, allows another after a denial, none after an approval', () => {
    const signed: LifecycleOrder = { ...newOrder('help'), status: 'signed', departmentId: DEPT };
    const handler = actorFor('handler');
    const requested = run(signed, [['handler', ACTIONS.request_extension]]).order;
    expect(requested.extension).toEqual({ state: 'requested', days: 5, reason: '需协调多部门' });
    expect(allowedActions(requested, handler)).not.toContain('request_extension');
    const denied = run(requested, [['dispatcher', ACTIONS.deny_extension]]).order;
    expect(allowedActions(denied, handler)).toContain('request_extension');
    const approved = run(denied, [['handler', ACTIONS.request_extension], ['dispatcher', ACTIONS.approve_extension]]);
    expect(approved.order.extension?.state).toBe('approved');
    expect(approved.entries[1]!.data).toEqual({ days: 5 });
    expect(allowedActions(approved.order, handler)).not.toContain('request_extension');
  });

  it('supervises once; rating an answered enquiry ends it', () => {
    const supervised = run({ ...newOrder('help'), status: 'accepted' }, [['leader', ACTIONS.supervise]]).order;
    expect(allowedActions(supervised, actorFor('leader'))).toEqual([]);
    const answered = run(newOrder('enquiry'), [['agent', ACTIONS.answer], ['resident', { type: 'rate', rating: 'basically' }]]);
    expect(answered.order).toMatchObject({ status: 'rated', rating: 'basically' });
  });
});

describe('lifecycle: refusals', () => {
  it('requires the reason, note, department or parent an action carries', () => {
    const received = newOrder('enquiry');
    expect(apply(received, { type: 'reject', reason: '  ' }, actorFor('agent'), NOW)).toEqual({
      ok: false,
      refusal: { code: 'work_order.field_required', field: 'reason' },
    });
    expect(apply(received, { type: 'answer', note: '' }, actorFor('agent'), NOW)).toMatchObject({ refusal: { field: 'note' } });
    expect(apply(received, { type: 'merge', parentId: '' }, actorFor('dispatcher'), NOW)).toMatchObject({ refusal: { field: 'parentId' } });
    expect(apply(received, { type: 'transfer', peerId: '' }, actorFor('dispatcher'), NOW)).toMatchObject({ refusal: { field: 'peerId' } });
    const accepted: LifecycleOrder = { ...received, status: 'accepted' };
    expect(apply(accepted, { type: 'dispatch', departmentId: '' }, actorFor('dispatcher'), NOW)).toMatchObject({
      refusal: { field: 'departmentId' },
    });
  });

  it('bounds extension days to whole days from 1 to 30', () => {
    const signed: LifecycleOrder = { ...newOrder('help'), status: 'signed', departmentId: DEPT };
    for (const days of [0, -1, 2.5, 31, Number.NaN]) {
      expect(apply(signed, { type: 'request_extension', days, reason: 'r' }, actorFor('handler'), NOW)).toMatchObject({
        ok: false,
        refusal: { code: 'work_order.extension_days_invalid' },
      });
    }
    expect(apply(signed, { type: 'request_extension', days: 30, reason: 'r' }, actorFor('handler'), NOW).ok).toBe(true);
  });

  it('lists the allowed actions when refusing', () => {
    const order: LifecycleOrder = { ...newOrder('complaint'), status: 'reported', departmentId: DEPT };
    expect(apply(order, ACTIONS.close, actorFor('dispatcher'), NOW)).toEqual({
      ok: false,
      refusal: { code: 'work_order.transition_not_allowed', status: 'reported', action: 'close', allowed: ['verify_pass', 'verify_fail', 'supervise'] },
    });
  });
});

describe('names for messages', () => {
  it('has a name for every status and action in both languages of the server messages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const catalog = loadCatalog(locale);
      for (const status of STATUSES) expect(catalog[`work_order.status.${status}`], `${locale} ${status}`).toBeTruthy();
      for (const action of [...ACTION_TYPES, ...SYSTEM_ACTION_TYPES]) expect(catalog[`work_order.action.${action}`], `${locale} ${action}`).toBeTruthy();
    }
  });
});

describe('finished orders and the clock', () => {
  it('finishes an order by its answer at intake or its close, and keeps it finished once rated', () => {
    const finished = new Set<Status>();
    for (const type of ['answer', 'close'] as const) expect(FINISHING_ACTIONS.has(type)).toBe(true);
    const answered = apply(newOrder('enquiry'), { type: 'answer', note: '已答复' }, actorFor('agent'), NOW);
    if (!answered.ok) throw new Error('answer refused');
    finished.add(answered.next.status);
    for (const rating of ['satisfied', 'unsatisfied'] as const) {
      const rated = apply(answered.next, { type: 'rate', rating }, actorFor('resident'), NOW);
      if (!rated.ok) throw new Error('rate refused');
      finished.add(rated.next.status);
    }
    expect([...finished].sort()).toEqual(['answered', 'rated', 'under_review']);
    for (const status of finished) expect(FINISHED_STATUSES).toContain(status);
  });

  it('puts every status in exactly one of 在办 (open), 办结 (finished) or ended without a result', () => {
    const ended = STATUSES.filter((x) => FINAL_STATUSES.includes(x) && !FINISHED_STATUSES.includes(x));
    expect(ended.sort()).toEqual(['cancelled', 'merged', 'rejected', 'transferred']);
    for (const status of STATUSES) {
      const kinds = [OPEN_STATUSES.includes(status), FINISHED_STATUSES.includes(status), ended.includes(status)];
      expect([status, kinds.filter(Boolean).length]).toEqual([status, 1]);
    }
    // Under review after an unsatisfied rating: closed once, still finished; reopened: open again, finished no more.
    expect([OPEN_STATUSES.includes('under_review'), isFinished('under_review', NOW)]).toEqual([false, true]);
    expect(OPEN_STATUSES).toContain('suspended');
    // A finished status needs the instant it was finished; an ended one with a closing time (an import) is not finished.
    expect(isFinished('closed', null)).toBe(false);
    for (const status of ended) expect(isFinished(status, NOW)).toBe(false);
  });

  it('runs the clock only in statuses that are not final, paused or under review', () => {
    for (const status of STATUSES) {
      const runs = !FINAL_STATUSES.includes(status) && status !== 'suspended' && status !== 'under_review';
      expect([status, CLOCK_RUNNING_STATUSES.includes(status)]).toEqual([status, runs]);
    }
  });
});
