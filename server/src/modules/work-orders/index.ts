/**
 * Work orders (工单): the 12345 / 数字城管 closed loop — the pure cores (lifecycle state machine, SLA arithmetic),
 * ticket codes, the create/transition service, and the routes of each part (registered below).
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { categoryRoutes } from './categories.routes.js';
import { responsibilityRoutes } from './responsibility.routes.js';
import { classifierRoutes } from './classifier.routes.js';
import { attachmentRoutes } from './attachments.routes.js';
import { contextNotifier, type Notifier } from '../messages/index.js';
import { registerAutoDispatch } from './auto-dispatch.js';
import { registerComponentLinks } from './component-links.js';
import { IDEMPOTENCY_SWEEP, pruneIdempotencyKeys } from './idempotency.repo.js';
import { registerNotifications } from './notifications.js';
import { settingsRoutes } from './settings.routes.js';
import { registerDefaultRating } from './default-rating.js';
import { registerSlaTimers } from './sla-timers.js';
import { workOrderRoutes, type WorkOrderRouteOptions } from './work-orders.routes.js';

export interface WorkOrdersOptions extends WorkOrderRouteOptions {
  /** How residents are told about their reports (default: the outbox, delivered on the configured gateways). */
  notifier?: Notifier;
}

export function createWorkOrdersModule(ctx: AppContext, options: WorkOrdersOptions = {}): ApiModule {
  registerSlaTimers(ctx);
  registerDefaultRating(ctx);
  registerNotifications(ctx, options.notifier ?? contextNotifier(ctx));
  registerAutoDispatch(ctx);
  registerComponentLinks(ctx);
  if (!ctx.handlers.hasSweep(IDEMPOTENCY_SWEEP)) ctx.handlers.onSweep(IDEMPOTENCY_SWEEP, pruneIdempotencyKeys);
  return {
    routes(app) {
      // Each part of the module registers its routes here.
      categoryRoutes(app, ctx);
      responsibilityRoutes(app, ctx);
      workOrderRoutes(app, ctx, options);
      settingsRoutes(app, ctx);
      classifierRoutes(app, ctx);
      attachmentRoutes(app, ctx);
    },
  };
}

export {
  ACTION_TYPES,
  FINAL_STATUSES,
  FINISHED_STATUSES,
  FINISHING_ACTIONS,
  OPEN_STATUSES,
  RATINGS,
  REQUEST_TYPES,
  ROLES_FOR,
  STATUSES,
  allowedActions,
  apply,
  isFinished,
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
  transitionWorkOrder,
  type Caller,
  type Channel,
  type CreateWorkOrderInput,
  type WorkOrderContext,
} from './work-orders.service.js';
export { createWriter, writeCreates, type CreateWriter, type NewCreate } from './create-writer.js';
/** The create's read, its group commit and the row read back (benches and tests look at them). */
export { findWorkOrderById, intakeReader, readIntakes, type IntakeQuery } from './work-orders.repo.js';
export { getWorkOrder, listWorkOrders, trackWorkOrder } from './work-orders.query.js';
export { EXTERNAL_ACTIONS, appendExternalEntry, type ExternalAction } from './external-entries.js';
export { returnFromFailedTransfer } from './transfer-return.js';
export type { WorkOrderDetail, WorkOrderSummary } from './work-orders.presenter.js';
// Which timeline notes are written for the public (Open311 status_notes reuse the tracking page's rule).
export { PUBLIC_NOTE_ACTIONS } from './work-orders.presenter.js';
export { SLA_TIMER } from './sla-timers.js';
export { DEFAULT_RATING_TIMER } from './default-rating.js';
export { effectiveSla, loadSettings, type WorkOrderSettings } from './settings.js';
export { workOrderPolicy } from './work-orders.policy.js';
export {
  HOLDOUT_FRACTION,
  MIN_OWN_ORDERS,
  ModelCache,
  RETRAIN_TIMER,
  SPLIT_SEED,
  cacheFor as classifierCacheFor,
  ensureDemoClassifier,
  listClassifierModels,
  nextRetrainAt,
  retrainClassifiers,
  scheduleRetrain,
  scheduleRetrains,
  suggestCategory,
  trainFromOrders,
  type CategorySuggestion,
  type TrainMetrics,
  type TrainResult,
} from './classifier.service.js';
export { classifierPolicy } from './classifier.policy.js';
export { Classifier, DEFAULT_TRAIN_OPTIONS, evaluate, splitHoldout, tokenize, type TrainOptions as ClassifierTrainOptions } from './classifier/model.js';
export { demoExamples } from './classifier/demo-data.js';
export {
  addStandardCategories,
  buildTree as buildCategoryTree,
  findCategory,
  seedStandardCategories,
  type CategoryView,
} from './categories.service.js';
export { standardCategories, type CategoryKind, type StandardCategory } from './standard-categories.js';
export { categoriesPolicy } from './categories.policy.js';
export {
  createRuleWithin as createResponsibilityRuleWithin,
  suggestDepartment,
  type DepartmentSuggestion,
  type RuleView as ResponsibilityRuleView,
  type SuggestInput,
  type SuggestionCandidate,
} from './responsibility.service.js';
export { completeFacts, matchRules, type OrderFacts, type ResponsibilityRule, type RuleMatch } from './responsibility-rules.js';
export { DEMO_RULES, seedDemoWorkOrderSetup } from './demo-responsibility.js';
export { DEMO_ORDER_COUNT, ensureDemoWorkOrders } from './demo-orders.js';
export { FORMATS as IMPORT_FORMATS, formatProgress as formatImportProgress, importJurisdiction, importRequests, type ImportFormat, type ImportProgress, type ImportReport } from './import/index.js';
export {
  ANONYMOUS_LINK_WINDOW_MS,
  MAX_LINKED_PER_CALL,
  PURGE_UNLINKED_ATTACHMENTS,
  UNLINKED_TTL_MS,
  linkAttachments,
  listWorkOrderAttachments,
  mayReadLinkedOrder,
  purgeUnlinkedAttachments,
  type AttachmentRef,
  type AttachmentView,
  type LinkAttachmentsInput,
} from './attachments.service.js';
export { attachmentPolicy } from './attachments.policy.js';
export { PUBLIC_ATTACHMENT_PATH, photosOfOrders, publicAttachmentSig, publicAttachmentUrl, verifyPublicAttachmentSig } from './public-attachments.js';
export { createAttachmentStore, storageKeyFor, type AttachmentStore } from './attachment-store.js';
export { attachmentBlobs, type AttachmentBlobs } from './attachment-backup.js';
export { IMAGE_TYPES, sniffImageType, type ImageType } from './image-sniff.js';
export { workOrderStats, type StatsInput } from './stats.js';
export { OVERVIEW_FIGURES, overviewFilters, workOrderOverview, type WorkOrderOverview } from './overview.js';
/** The create's answer (its JSON text is sent as made; tests hold it to this schema). */
export { orderResponse } from './work-orders.schema.js';
export { IDEMPOTENCY_SWEEP, IDEMPOTENCY_TTL_MS, pruneIdempotencyKeys } from './idempotency.repo.js';
