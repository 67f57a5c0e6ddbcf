/**
 * How messages leave the system. Callers hand a Notifier the plain recipient inside their transaction; the
 * default one only records the message (recipient encrypted and masked) in outbound_messages, for development,
 * the demo and tests. A real SMS gateway implements the same interface — e.g. record the row with status
 * 'queued' and publish an event whose handler calls the gateway after commit and marks it 'sent' or 'failed'.
 */
import type { Db } from '../../app-context.js';
import { maskPhone, sealPersonal } from '../identity/index.js';
import { insertMessage } from './messages.repo.js';

export interface OutboundMessage {
  jurisdictionId: string;
  channel: 'sms';
  /** An 11-digit mainland mobile number (already normalised). */
  to: string;
  body: string;
  /** What the message is for, e.g. 'phone_code' (listings redact one-time codes by purpose). */
  purpose: string;
}

export interface Notifier {
  send(tx: Db, message: OutboundMessage): Promise<void>;
}

export class RecordingNotifier implements Notifier {
  constructor(private readonly secretKey: string) {}

  async send(tx: Db, message: OutboundMessage): Promise<void> {
    await insertMessage(tx, {
      jurisdictionId: message.jurisdictionId,
      channel: message.channel,
      purpose: message.purpose,
      recipientEnc: sealPersonal(this.secretKey, message.to),
      recipientMasked: maskPhone(message.to),
      body: message.body,
    });
  }
}
