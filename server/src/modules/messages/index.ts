/**
 * Messages: the outbound message record (SMS, WeChat template messages, e-mail) and the Notifier interface other
 * modules send through. Every message is recorded; channels with a configured gateway are delivered by a job with
 * retries (delivery.ts), the others stay recorded only.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { contextNotifier } from './delivery.js';
import { messagesRoutes } from './messages.routes.js';

export { RecordingNotifier, maskRecipient, type Notifier, type OutboundMessage } from './notifier.js';
export { CHANNELS, DeliveryError, type Channel, type ChannelSender, type Delivery } from './channels.js';
export { contextNotifier, registerDelivery, sendersFromConfig, DELIVERY_BACKOFF } from './delivery.js';
export { WeChatSender } from './wechat.js';
export { EmailSender } from './email.js';
export { messagesPolicy } from './messages.policy.js';
export { latestMessageTo } from './messages.service.js';

export function createMessagesModule(ctx: AppContext): ApiModule {
  // The delivery job must be known to this process's worker even before anything sends.
  contextNotifier(ctx);
  return {
    routes(app) {
      messagesRoutes(app, ctx);
    },
  };
}
