/**
 * Inspectors on patrol (巡查, /inspector): their tasks — derived on each read from the orders in their grids — and
 * what they did. Built in server/src/modules/inspector (tasks.ts, inspector.service.ts), described by
 * inspector.schema.ts.
 */

/** verify = 核实 a new report on site; check = 核查 a handled order on site. */
export const TASK_KINDS = ['verify', 'check'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** confirmed / not_real answer a 核实, pass / fail a 核查. */
export const OUTCOMES = ['confirmed', 'not_real', 'pass', 'fail'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What an inspector did with a task: when, whether on time, and how far from the order's point. */
export interface TaskResultView {
  id: string;
  outcome: Outcome;
  doneAt: string;
  actedAt: string;
  onTime: boolean;
  position: { lng: number; lat: number; accuracyM: number | null } | null;
  distanceM: number | null;
}

export interface TaskView {
  kind: TaskKind;
  state: 'open' | 'done';
  since: string;
  dueAt: string;
  overdue: boolean;
  order: {
    id: string;
    code: string;
    title: string;
    description: string | null;
    requestType: string;
    categoryCode: string | null;
    category: { zh: string; en: string | null } | null;
    channel: string | null;
    urgency: string | null;
    address: string | null;
    gridCode: string | null;
    status: string;
    version: number;
    location: { lng: number; lat: number } | null;
    photos: string[];
  };
  result: TaskResultView | null;
}

/** GET /inspector/tasks: my open tasks and those done lately, with the performance scheme's time limits. */
export interface InspectorTasks {
  now: string;
  limits: { verifyHours: number; checkHours: number };
  items: TaskView[];
}
