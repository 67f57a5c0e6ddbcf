/**
 * What a resident sees of an order's status: six steps 受理 → 派遣 → 处置 → 核查 → 结案 → 评价 and how far it has
 * come. The server's statuses are finer (signed, returned, suspended …); this folds them onto the steps. Pure.
 */
export const STEPS = ['accept', 'dispatch', 'handle', 'verify', 'close', 'rate'] as const;
export type Step = (typeof STEPS)[number];

export interface Progress {
  /** Index of the step being worked on; STEPS.length when every step is done. */
  current: number;
  /** The order ended without going through the steps (not accepted, withdrawn). */
  stopped: 'rejected' | 'cancelled' | null;
}

const CURRENT: Record<string, number> = {
  received: 0,
  accepted: 1,
  dispatched: 1,
  signed: 1,
  returned: 1,
  in_progress: 2,
  suspended: 2,
  reported: 3,
  verified: 4,
  // An enquiry answered at intake has its answer: what is left is the rating, as for a closed order.
  answered: 5,
  closed: 5,
  under_review: 5,
  rated: STEPS.length,
};

export function progressOf(status: string): Progress {
  if (status === 'rejected') return { current: 0, stopped: 'rejected' };
  if (status === 'cancelled') return { current: 0, stopped: 'cancelled' };
  return { current: CURRENT[status] ?? 0, stopped: null };
}

/**
 * Whether the tracking page shows the six steps: not for an order that stopped (不予受理, 撤销) — its first step
 * showed as the current one, 受理 in bold on a report that was not accepted; the note above the record says why.
 */
export const showsSteps = (p: Progress): boolean => p.stopped === null;

/** Statuses after which the resident is sent nothing more (the last message went with the answer, the result or the refusal). */
const NOTHING_MORE_SENT: readonly string[] = ['answered', 'rejected', 'closed', 'rated', 'cancelled'];

/** Whether the page says a text message will come when the order is finished: only while it is not. */
export const textToCome = (status: string): boolean => !NOTHING_MORE_SENT.includes(status);

export type StepState = 'done' | 'current' | 'todo' | 'skipped';

/** The steps an enquiry answered at intake (首接负责) never went through: no department was sent, nothing handled. */
const SKIPPED_WHEN_ANSWERED: readonly Step[] = ['dispatch', 'handle', 'verify'];

export function stepStates(p: Progress, answeredAtIntake = false): StepState[] {
  return STEPS.map((step, i) => {
    const state: StepState = p.stopped ? (i === 0 ? 'current' : 'todo') : i < p.current ? 'done' : i === p.current ? 'current' : 'todo';
    return answeredAtIntake && state === 'done' && SKIPPED_WHEN_ANSWERED.includes(step) ? 'skipped' : state;
  });
}

/** Answered at intake, from the public timeline: an answer, and never a dispatch (also once rated). */
export function answeredAtIntake(timeline: ReadonlyArray<{ action: string }>): boolean {
  return timeline.some((e) => e.action === 'answer') && !timeline.some((e) => e.action === 'dispatch');
}

/** The statuses and timeline actions the page names (each has a label in residentReport.status / .action). */
export const STATUS_KEYS = [
  'received', 'accepted', 'answered', 'rejected', 'dispatched', 'signed', 'in_progress', 'reported', 'verified',
  'closed', 'rated', 'under_review', 'returned', 'suspended', 'cancelled', 'merged',
] as const;
export const ACTION_KEYS = [
  'create', 'accept', 'answer', 'reject', 'dispatch', 'sign', 'return', 'start', 'report', 'verify_pass', 'verify_fail',
  'close', 'rate', 'reopen', 'uphold', 'suspend', 'resume', 'cancel', 'merge', 'supervise', 'request_extension',
  'approve_extension', 'deny_extension', 'parent_closed', 'parent_merged', 'unmerged', 'default_rate', 'transfer',
  'transfer_sent', 'transfer_failed', 'remote_update', 'media_links',
] as const;

export const TICKET_CODE = /^[A-Z]{1,4}[0-9]{14}$/;

/** Upper-cases and drops spaces, so a code read out over the phone or copied with blanks still matches. */
export const normaliseCode = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/**
 * A ticket code in the parts a person reads it in — prefix, day, number (CD · 20261123 · 000051) — so a code too
 * wide for a phone's line breaks between them and never inside the day or the number. Anything else: one part.
 */
export function codeGroups(code: string): string[] {
  const m = /^([A-Z]{1,4})(\d{8})(\d{6})$/.exec(code);
  return m ? [m[1]!, m[2]!, m[3]!] : [code];
}
