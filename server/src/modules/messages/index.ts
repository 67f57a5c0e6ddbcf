/**
 * Messages: the outbound message record (SMS codes today) and the Notifier interface other modules send
 * through. The default notifier records messages only; swap in a gateway-backed Notifier to really send.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { messagesRoutes } from './messages.routes.js';

export { RecordingNotifier, type Notifier, type OutboundMessage } from './notifier.js';
export { messagesPolicy } from './messages.policy.js';
export { latestMessageTo } from './messages.service.js';

export function createMessagesModule(ctx: AppContext): ApiModule {
  return {
    routes(app) {
      messagesRoutes(app, ctx);
    },
  };
}
