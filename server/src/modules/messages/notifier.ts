/**
 * How messages leave the system. Callers hand a Notifier the plain recipient inside their transaction; every
 * message is recorded in outbound_messages (recipient sealed, plus a masked form for listings). A channel with a
 * gateway (a ChannelSender: WeChat template messages, e-mail over SMTP) records the row as 'queued' and schedules
 * its delivery job (delivery.ts), which sends it after the row commits, retrying with backoff; a channel without one
 * (SMS today: no gateway is wired) keeps the row 'recorded' — for development, the demo and tests.
 * A `dedupeKey` (event + handler) makes a second message for one event a no-op, however often a handler runs.
 */
import type { Db } from '../../app-context.js';
import type { Outbox } from '../events/index.js';
import { maskPhone, sealPersonal } from '../identity/index.js';
import type { Channel, ChannelSender } from './channels.js';
import { insertMessage } from './messages.repo.js';

export interface OutboundMessage {
  jurisdictionId: string;
  channel: Channel;
  /** sms: an 11-digit mainland mobile number (already normalised); wechat: the openid; email: the address. */
  to: string;
  body: string;
  /** What the message is for, e.g. 'phone_code' (listings redact one-time codes by purpose). */
  purpose: string;
  /** E-mail subject, WeChat template title (defaults to the first line of the body). */
  subject?: string;
  /** Unique per message meant (e.g. `event:<id>:<handler>`): a second send with the same key records nothing. */
  dedupeKey?: string;
}

export interface Notifier {
  send(tx: Db, message: OutboundMessage): Promise<void>;
  /** Whether messages on this channel really leave the machine (a gateway is configured). */
  delivers?(channel: Channel): boolean;
}

export const DELIVER_TIMER = 'messages.deliver';

export function maskRecipient(channel: Channel, to: string): string {
  if (channel === 'sms') return maskPhone(to);
  if (channel === 'email') {
    const at = to.lastIndexOf('@');
    const local = to.slice(0, at);
    return `${local.slice(0, 1)}***${to.slice(at)}`;
  }
  return to.length <= 8 ? '****' : `${to.slice(0, 4)}****${to.slice(-4)}`;
}

export class RecordingNotifier implements Notifier {
  constructor(
    private readonly secretKey: string,
    /** With gateways: queued rows and a delivery job each (see delivery.ts). */
    private readonly delivery?: { outbox: Outbox; senders: Partial<Record<Channel, ChannelSender>> },
  ) {}

  delivers(channel: Channel): boolean {
    return this.delivery?.senders[channel] !== undefined;
  }

  async send(tx: Db, message: OutboundMessage): Promise<void> {
    const queued = this.delivers(message.channel);
    const id = await insertMessage(tx, {
      jurisdictionId: message.jurisdictionId,
      channel: message.channel,
      purpose: message.purpose,
      recipientEnc: sealPersonal(this.secretKey, message.to),
      recipientMasked: maskRecipient(message.channel, message.to),
      body: message.body,
      subject: message.subject ?? null,
      dedupeKey: message.dedupeKey ?? null,
      status: queued ? 'queued' : 'recorded',
    });
    if (id === null || !queued) return;
    await this.delivery!.outbox.schedule(tx, {
      handler: DELIVER_TIMER,
      key: `${id}#1`,
      runAt: new Date(),
      jurisdictionId: message.jurisdictionId,
      payload: { messageId: id },
    });
  }
}
