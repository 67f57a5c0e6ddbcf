/**
 * What a module gets when it is created: configuration, the database and a logger. Modules build their own
 * repositories and services from these; there is no shared god-object of services.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/schema.js';
import type { Storage } from './db/storage.js';
import type { HandlerRegistry, Outbox } from './modules/events/index.js';

export interface AppContext {
  readonly config: Config;
  readonly storage: Storage;
  readonly db: Kysely<Database>;
  readonly log: Logger;
  /** Event subscribers and timer handlers (modules register theirs when they are created). */
  readonly handlers: HandlerRegistry;
  /** Writes events and timers inside the caller's transaction. */
  readonly outbox: Outbox;
}

export type Db = Kysely<Database>;
