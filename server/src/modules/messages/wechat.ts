/**
 * WeChat official account (公众号) template messages: an access token from the token endpoint
 * (`GET …/token?grant_type=client_credential&appid=…&secret=…` → { access_token, expires_in }), cached until shortly
 * before it expires, then `POST …/message/template/send?access_token=…` with { touser, template_id, data } →
 * { errcode: 0, msgid }. An expired or revoked token (40001, 40014, 42001) is fetched again once.
 */
import type { ChannelSender, Delivery } from './channels.js';
import { DeliveryError } from './channels.js';

export interface WeChatOptions {
  appId: string;
  appSecret: string;
  templateId: string;
  apiBase: string;
  tokenUrl: string;
  timeoutMs: number;
}

const TOKEN_INVALID = new Set([40001, 40014, 42001]);
/** Errors about the recipient or the template: another try would fail the same way. */
const PERMANENT = new Set([40003, 40037, 43004, 43101, 47003]);

interface WeChatReply {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  msgid?: number | string;
}

export class WeChatSender implements ChannelSender {
  #token: { value: string; until: number } | null = null;

  constructor(private readonly options: WeChatOptions) {}

  async deliver(message: Delivery): Promise<string | null> {
    for (let round = 0; round < 2; round += 1) {
      const token = await this.#accessToken();
      const url = `${this.options.apiBase}/message/template/send?access_token=${encodeURIComponent(token)}`;
      const reply = await this.#call(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          touser: message.to,
          template_id: this.options.templateId,
          data: {
            first: { value: message.subject },
            keyword1: { value: message.subject },
            remark: { value: message.body },
          },
        }),
      });
      const code = reply.errcode ?? 0;
      if (code === 0) return reply.msgid === undefined ? null : String(reply.msgid);
      if (TOKEN_INVALID.has(code) && round === 0) {
        this.#token = null;
        continue;
      }
      throw new DeliveryError(`wechat errcode ${code}: ${reply.errmsg ?? ''}`.trim(), PERMANENT.has(code));
    }
    throw new DeliveryError('wechat: the access token was refused twice');
  }

  async #accessToken(): Promise<string> {
    if (this.#token && this.#token.until > Date.now()) return this.#token.value;
    const url = new URL(this.options.tokenUrl);
    url.searchParams.set('grant_type', 'client_credential');
    url.searchParams.set('appid', this.options.appId);
    url.searchParams.set('secret', this.options.appSecret);
    const reply = await this.#call(url.toString(), { method: 'GET' });
    if (!reply.access_token) throw new DeliveryError(`wechat token: errcode ${reply.errcode ?? '?'} ${reply.errmsg ?? ''}`.trim());
    // Refresh five minutes early (tokens last 7200 s).
    const seconds = Math.max(60, (reply.expires_in ?? 7200) - 300);
    this.#token = { value: reply.access_token, until: Date.now() + seconds * 1000 };
    return reply.access_token;
  }

  async #call(url: string, init: RequestInit): Promise<WeChatReply> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (err) {
      throw new DeliveryError(`wechat: ${(err as Error).message}`);
    }
    if (!res.ok) throw new DeliveryError(`wechat: HTTP ${res.status}`);
    try {
      return (await res.json()) as WeChatReply;
    } catch {
      throw new DeliveryError('wechat: the reply is not JSON');
    }
  }
}
