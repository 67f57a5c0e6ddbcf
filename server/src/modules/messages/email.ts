/** E-mail over SMTP (nodemailer). A 5xx reply for the recipient is permanent; anything else is retried. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelSender, Delivery } from './channels.js';
import { DeliveryError } from './channels.js';

export interface EmailOptions {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | undefined;
  from: string;
  timeoutMs: number;
}

export class EmailSender implements ChannelSender {
  readonly #transport: Transporter;

  constructor(private readonly options: EmailOptions) {
    this.#transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      ...(options.auth ? { auth: options.auth } : {}),
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async deliver(message: Delivery): Promise<string | null> {
    try {
      const info = await this.#transport.sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.body });
      return info.messageId ?? null;
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
      throw new DeliveryError(`smtp: ${e.message}`, permanent);
    }
  }

  close(): void {
    this.#transport.close();
  }
}
