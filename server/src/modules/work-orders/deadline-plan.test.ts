import { describe, expect, it } from 'vitest';
import { followUpDeadline, planDeadlines, signDeadline } from './deadline-plan.js';
import { DEFAULT_SLA } from './sla.js';

// Monday 2026-11-23 10:00 in Shanghai.
const MON_10 = new Date('2026-11-23T02:00:00Z');
const base = { slaStartedAt: MON_10, urgency: 'normal' as const, categoryCode: null, pauses: [], extension: null };

describe('planDeadlines', () => {
  it('gives a normal order 7 working days, warning at 80%', () => {
    const d = planDeadlines(base)!;
    expect(d.dueAt.toISOString()).toBe('2026-12-02T02:00:00.000Z');
    expect(d.warnAt.getTime()).toBeLessThan(d.dueAt.getTime());
    expect(d.warnAt.getTime()).toBeGreaterThan(MON_10.getTime());
  });

  it('moves the deadline by a closed pause and has none while a pause is open', () => {
    // Suspended Monday 10:00 → Tuesday 10:00: one working day of clock stood still.
    const paused = planDeadlines({ ...base, pauses: [{ from: '2026-11-23T02:00:00Z', to: '2026-11-24T02:00:00Z' }] })!;
    expect(paused.dueAt.toISOString()).toBe('2026-12-03T02:00:00.000Z');
    expect(planDeadlines({ ...base, pauses: [{ from: '2026-11-23T02:00:00Z', to: null }] })).toBeNull();
  });

  it('adds an approved extension in working days after the original deadline, and ignores a requested or denied one', () => {
    const approved = planDeadlines({ ...base, extension: { state: 'approved', days: 3, reason: '需协调管线单位' } })!;
    expect(approved.dueAt.toISOString()).toBe('2026-12-07T02:00:00.000Z'); // Wed 2 Dec + 3 working days = Mon 7 Dec
    expect(approved.warnAt.getTime()).toBeGreaterThan(new Date('2026-12-02T02:00:00Z').getTime());
    for (const state of ['requested', 'denied'] as const) {
      expect(planDeadlines({ ...base, extension: { state, days: 3, reason: 'x' } })!.dueAt.toISOString()).toBe('2026-12-02T02:00:00.000Z');
    }
  });

  it('gives utilities 24 calendar hours and emergencies 2 hours whatever the category', () => {
    expect(planDeadlines({ ...base, categoryCode: 'utilities.water' })!.dueAt.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(planDeadlines({ ...base, urgency: 'emergency', categoryCode: 'utilities.water' })!.dueAt.toISOString()).toBe('2026-11-23T04:00:00.000Z');
  });

  it('asks for signing within 2 working hours (over lunch: 11:00 → 14:30)', () => {
    expect(signDeadline(new Date('2026-11-23T03:00:00Z')).toISOString()).toBe('2026-11-23T06:30:00.000Z');
  });

  it('uses a rule for the request type below category rules and above the urgency', () => {
    const config = { ...DEFAULT_SLA, byRequestType: { enquiry: { kind: 'working_days' as const, days: 3 } } };
    expect(planDeadlines({ ...base, requestType: 'enquiry' }, config)!.dueAt.toISOString()).toBe('2026-11-26T02:00:00.000Z');
    expect(planDeadlines({ ...base, requestType: 'complaint' }, config)!.dueAt.toISOString()).toBe('2026-12-02T02:00:00.000Z');
    expect(planDeadlines({ ...base, requestType: 'enquiry', categoryCode: 'utilities.gas' }, config)!.dueAt.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    // A category rule matches whole segments only.
    expect(planDeadlines({ ...base, categoryCode: 'utilitiesx' })!.dueAt.toISOString()).toBe('2026-12-02T02:00:00.000Z');
  });
});

describe('followUpDeadline (回访时限)', () => {
  // Friday 2026-11-27 16:00 in Shanghai: two office hours left that day.
  const FRI_16 = new Date('2026-11-27T08:00:00Z');
  const closed = { status: 'closed', closedAt: FRI_16, rating: null };

  it('gives 3 working days after 办结 by default, across the weekend (Fri 16:00 → Wed 16:00)', () => {
    expect(followUpDeadline(closed)!.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(followUpDeadline({ ...closed, status: 'answered' })!.toISOString()).toBe('2026-12-02T08:00:00.000Z');
  });

  it('skips a public holiday and counts a make-up workday (Wed 30 Sep 15:00 → Sat 10 Oct 15:00, 调休)', () => {
    expect(followUpDeadline({ ...closed, closedAt: new Date('2026-09-30T07:00:00Z') })!.toISOString()).toBe('2026-10-10T07:00:00.000Z');
  });

  it("takes the jurisdiction's days and office hours", () => {
    expect(followUpDeadline(closed, { ...DEFAULT_SLA, followUpDays: 1 })!.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    // Office hours 08:00–17:00: Fri 16:00 leaves one hour, then Mon and Tue, and 8 hours on Wed (→ 16:00).
    const early = { ...DEFAULT_SLA, workingHours: { periods: [{ start: '08:00', end: '17:00' }] } };
    expect(followUpDeadline(closed, early)!.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    // Finished after office hours (Fri 17:30): the days start on Monday morning, and end at Wednesday's close.
    expect(followUpDeadline({ ...closed, closedAt: new Date('2026-11-27T09:30:00Z') }, early)!.toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('has none before 办结, once rated or under review, or for an order ended without a result', () => {
    expect(followUpDeadline({ ...closed, status: 'in_progress', closedAt: null })).toBeNull();
    expect(followUpDeadline({ ...closed, status: 'rated', rating: 'satisfied' })).toBeNull();
    expect(followUpDeadline({ ...closed, status: 'under_review', rating: 'dissatisfied' })).toBeNull();
    expect(followUpDeadline({ ...closed, status: 'cancelled' })).toBeNull();
  });
});
