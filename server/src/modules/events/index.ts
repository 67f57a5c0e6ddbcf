export { HandlerRegistry, type DetachedJobContext, type DetachedOptions, type DetachedTimerHandler, type DomainEvent, type EventHandler, type JobContext, type SubscribeOptions, type Sweep, type TimerHandler } from './registry.js';
export { Outbox, type PublishInput, type ScheduleInput } from './outbox.js';
export { JobWorker, type DrainResult, type WorkerOptions } from './worker.js';
export { createWorker } from './create-worker.js';
export { registerJobMetrics } from './metrics.js';
export { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.js';
