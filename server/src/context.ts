import type { AppContext } from './app-context.js';
import type { Config } from './config.js';
import type { Storage } from './db/storage.js';
import { createLogger } from './logger.js';
import { HandlerRegistry, Outbox } from './modules/events/index.js';
import type { Logger } from 'pino';

/** Assembles the AppContext for a server, a CLI command or a test. */
export function createContext(config: Config, storage: Storage, log: Logger = createLogger(config)): AppContext {
  const handlers = new HandlerRegistry();
  return { config, storage, db: storage.db, log, handlers, outbox: new Outbox(handlers) };
}
