/**
 * Work orders (工单): the 12345 / 数字城管 closed loop. So far the pure cores (lifecycle state machine, SLA
 * arithmetic), ticket-code allocation, and the create/transition service; routes and screens build on these.
 */
export {
  ACTION_TYPES,
  FINAL_STATUSES,
  RATINGS,
  REQUEST_TYPES,
  ROLES_FOR,
  STATUSES,
  allowedActions,
  apply,
  newOrder,
  type Action,
  type ActionType,
  type Actor,
  type ApplyResult,
  type LifecycleOrder,
  type Rating,
  type Refusal,
  type RequestType,
  type Status,
  type TimelineEntry,
} from './lifecycle.js';
export {
  DEFAULT_SLA,
  DEFAULT_WORKING_HOURS,
  URGENCIES,
  deadlines,
  durationFor,
  isWorkday,
  slaState,
  usedMs,
  type Deadlines,
  type Duration,
  type Pause,
  type SlaConfig,
  type SlaState,
  type Urgency,
  type WorkingHours,
} from './sla.js';
export { DEFAULT_TICKET_PREFIX, allocateTicketCode, formatTicketCode, parseTicketCode, setTicketPrefix, shanghaiDay } from './ticket-code.js';
export {
  CHANNELS,
  MAX_DESCRIPTION,
  createWorkOrder,
  listWorkOrderTimeline,
  transitionWorkOrder,
  type Channel,
  type CreateWorkOrderInput,
  type WorkOrderContext,
  type WorkOrderView,
} from './work-orders.service.js';
