/**
 * Delivering queued messages. Each queued row has a timer job (`messages.deliver`, keyed by message and attempt)
 * that runs after the row commits: it locks the row, skips it unless still 'queued' (so a message is sent once,
 * whichever job or process gets there), calls the channel's gateway and records the outcome in the same
 * transaction — 'sent' with the gateway's reference, or the attempt and its error with the next attempt scheduled
 * after a backoff (30 s, 1 min, 2 min … up to 6 h), or 'failed' after NOTIFY_MAX_ATTEMPTS or a permanent refusal.
 *
 * The gateway call happens inside the job's transaction, bounded by NOTIFY_TIMEOUT_MS. A process that dies after
 * the gateway accepted a message but before the commit will send it again when the job's lease runs out: no gateway
 * here takes an idempotency key, so this narrow window is at-least-once.
 */
import type { AppContext } from '../../app-context.js';
import { retryDelayMs, type BackoffPolicy } from '../events/index.js';
import { openPersonal } from '../identity/index.js';
import { DeliveryError, type Channel, type ChannelSender } from './channels.js';
import { EmailSender } from './email.js';
import { DELIVER_TIMER, RecordingNotifier } from './notifier.js';
import * as repo from './messages.repo.js';
import { WeChatSender } from './wechat.js';

export const DELIVERY_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 6 * 3600_000 };

type DeliveryContext = Pick<AppContext, 'config' | 'handlers' | 'outbox'>;

/** The gateways the configuration names (none: every message is recorded only). */
export function sendersFromConfig(config: AppContext['config']): Partial<Record<Channel, ChannelSender>> {
  const { wechat, email, timeoutMs } = config.notifications;
  const senders: Partial<Record<Channel, ChannelSender>> = {};
  if (wechat) senders.wechat = new WeChatSender({ ...wechat, timeoutMs });
  if (email) senders.email = new EmailSender({ ...email, timeoutMs });
  return senders;
}

const notifiers = new WeakMap<object, RecordingNotifier>();

/**
 * The process's notifier for this context, with the configured gateways, and the delivery job registered once.
 * Modules that send to residents take this one by default.
 */
export function contextNotifier(ctx: DeliveryContext): RecordingNotifier {
  let notifier = notifiers.get(ctx.handlers);
  if (!notifier) {
    const senders = sendersFromConfig(ctx.config);
    notifier = new RecordingNotifier(ctx.config.secretKey, { outbox: ctx.outbox, senders });
    registerDelivery(ctx, senders);
    notifiers.set(ctx.handlers, notifier);
  }
  return notifier;
}

export function registerDelivery(ctx: DeliveryContext, senders: Partial<Record<Channel, ChannelSender>>, backoff: BackoffPolicy = DELIVERY_BACKOFF): void {
  if (ctx.handlers.hasTimer(DELIVER_TIMER)) return;
  const maxAttempts = ctx.config.notifications.maxAttempts;
  ctx.handlers.onTimer(DELIVER_TIMER, async (payload, job) => {
    const row = await repo.lockMessage(job.tx, String(payload.messageId));
    if (!row || row.status !== 'queued') return;
    const attempt = row.attempts + 1;
    const sender = senders[row.channel];
    try {
      if (!sender) throw new DeliveryError(`no gateway is configured for ${row.channel}`, true);
      const to = openPersonal(ctx.config.secretKey, row.recipient_enc);
      const ref = await sender.deliver({ to, subject: row.subject ?? firstLine(row.body), body: row.body });
      await repo.markSent(job.tx, row.id, attempt, ref);
    } catch (err) {
      const permanent = err instanceof DeliveryError && err.permanent;
      const delay = permanent ? null : retryDelayMs(attempt, maxAttempts, backoff);
      const error = (err as Error).message.slice(0, 1000);
      await repo.markAttemptFailed(job.tx, row.id, attempt, error, delay === null);
      if (delay !== null) {
        await ctx.outbox.schedule(job.tx, {
          handler: DELIVER_TIMER,
          key: `${row.id}#${attempt + 1}`,
          runAt: new Date(Date.now() + delay),
          jurisdictionId: row.jurisdiction_id,
          payload: { messageId: row.id },
        });
      }
    }
  });
}

const firstLine = (body: string) => [...(body.split('\n')[0] ?? '')].slice(0, 40).join('');
