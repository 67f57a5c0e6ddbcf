/** The gateways a message can leave by. A sender delivers one message or throws a DeliveryError. */
export const CHANNELS = ['sms', 'wechat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Delivery {
  to: string;
  subject: string;
  body: string;
}

export interface ChannelSender {
  /** Resolves with the gateway's reference for the message (WeChat msgid, SMTP Message-ID), or throws. */
  deliver(message: Delivery): Promise<string | null>;
  close?(): void;
}

export class DeliveryError extends Error {
  /** Permanent: retrying cannot help (an unknown openid, a rejected address); the message is marked failed. */
  constructor(message: string, readonly permanent = false) {
    super(message);
  }
}
