export { HandlerRegistry, type DomainEvent, type EventHandler, type JobContext, type TimerHandler } from './registry.js';
export { Outbox, type PublishInput } from './outbox.js';
