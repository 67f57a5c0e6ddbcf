/**
 * Telling residents how their report is going, through the pluggable Notifier (messages module: every message is
 * recorded in the outbox administrators read; WeChat and e-mail are delivered by a job with retries when their
 * gateways are configured). Sent from events, by subscribers that run in the job's transaction: the message row
 * and the job's completion commit together, and each message carries the event and handler as its dedupe key, so
 * one event never sends twice; a failed attempt sends nothing and is retried.
 *
 * Which channel: what the resident gave on the public report — a WeChat openid, then an e-mail address — when that
 * channel has a gateway, else the reporter's mainland mobile number by SMS; with no gateway at all, the first of
 * them is recorded. Nothing for inspectors' and sensors' reports.
 *
 * Who hears what: the reporter on intake (ticket code and how to track), on an answer at first contact, on a
 * rejection (with the reason), when the order is closed (with an invitation to rate), and when an order theirs was
 * merged into is closed — in the language they reported in (reporter_locale), Chinese when staff registered it.
 */
import type { AppContext, Db } from '../../app-context.js';
import { normalisePhone, openPersonal } from '../identity/index.js';
import type { Channel, Notifier } from '../messages/index.js';
import type { DomainEvent, JobContext } from '../events/index.js';
import { DEFAULT_LOCALE, translate } from '../../shared/i18n.js';
import { findContact } from './contacts.repo.js';
import * as repo from './work-orders.repo.js';

export const NOTIFY_CREATED = 'work_orders.notify-created';
export const NOTIFY_PROGRESS = 'work_orders.notify-progress';
export const NOTIFY_PARENT_CLOSED = 'work_orders.notify-parent-closed';

const PURPOSE = 'work_order_update';

/** Actions whose outcome the reporter is told about, and the message for each. */
const PROGRESS_MESSAGES: Record<string, string> = {
  answer: 'work_order.sms.answered',
  reject: 'work_order.sms.rejected',
  close: 'work_order.sms.closed',
  // Merged into an order that then ended without a result (cancelled, rejected, transferred): handled on its own now.
  unmerged: 'work_order.sms.unmerged',
};

/** The message for a transition's action, or undefined when the reporter is not told about it. */
const progressMessage = (action: unknown): string | undefined => (typeof action === 'string' && Object.hasOwn(PROGRESS_MESSAGES, action) ? PROGRESS_MESSAGES[action] : undefined);

/** Channels whose reports have nobody to tell (an inspector's, a sensor's). */
const UNTOLD_CHANNELS: readonly unknown[] = ['inspector', 'sensor'];

/** Where to tell this reporter, or null (no contact, an inspector's report, a landline). */
async function recipientOf(tx: Db, ctx: Pick<AppContext, 'config'>, notifier: Notifier, row: repo.WorkOrderRow): Promise<{ channel: Channel; to: string } | null> {
  if (UNTOLD_CHANNELS.includes(row.channel)) return null;
  const open = (sealed: string | null | undefined) => (sealed ? openPersonal(ctx.config.secretKey, sealed) : null);
  const contact = await findContact(tx, row.id);
  // A landline or a foreign number gets no SMS (the hotline calls back instead).
  const phone = row.reporter_phone_enc ? normalisePhone(open(row.reporter_phone_enc)!) : null;
  const candidates: { channel: Channel; to: string }[] = [];
  const openid = open(contact?.wechat_openid_enc);
  const email = open(contact?.email_enc);
  if (openid) candidates.push({ channel: 'wechat', to: openid });
  if (email) candidates.push({ channel: 'email', to: email });
  if (phone) candidates.push({ channel: 'sms', to: phone });
  return candidates.find((c) => notifier.delivers?.(c.channel) ?? c.channel === 'sms') ?? candidates[0] ?? null;
}

async function send(job: JobContext, event: DomainEvent, handler: string, ctx: Pick<AppContext, 'config'>, notifier: Notifier, row: repo.WorkOrderRow, code: string, params: Record<string, string | number>): Promise<void> {
  const recipient = await recipientOf(job.tx, ctx, notifier, row);
  if (!recipient) return;
  // In the language the resident reported in; Chinese for orders staff registered and for those from before 0090.
  const locale = row.reporter_locale ?? DEFAULT_LOCALE;
  const jurisdiction = await job.tx.selectFrom('jurisdictions').select(['name_zh', 'name_en']).where('id', '=', row.jurisdiction_id).executeTakeFirst();
  const city = (locale === 'en' ? jurisdiction?.name_en : null) || jurisdiction?.name_zh || '';
  const body = translate(locale, code, { city, code: row.code, last4: row.reporter_phone_last4 ?? '', title: row.title, ...params });
  await notifier.send(job.tx, {
    jurisdictionId: row.jurisdiction_id,
    ...recipient,
    body,
    subject: translate(locale, 'work_order.sms.subject', { code: row.code }),
    purpose: PURPOSE,
    dedupeKey: `event:${event.id}:${handler}:${row.id}`,
  });
}

export function registerNotifications(ctx: Pick<AppContext, 'handlers' | 'config'>, notifier: Notifier): void {
  if (ctx.handlers.subscribersOf('work_order.created').includes(NOTIFY_CREATED)) return;
  const orderOf = async (event: DomainEvent, tx: Db) => repo.lockWorkOrder(tx, String(event.payload.workOrderId));

  // Jobs only for events that can lead to a message (the payload's channel; the transition's action).
  ctx.handlers.subscribe(
    'work_order.created',
    NOTIFY_CREATED,
    async (event, job) => {
      const row = await orderOf(event, job.tx);
      if (row) await send(job, event, NOTIFY_CREATED, ctx, notifier, row, 'work_order.sms.created', {});
    },
    { when: (payload) => !UNTOLD_CHANNELS.includes(payload.channel) },
  );

  ctx.handlers.subscribe('work_order.transitioned', NOTIFY_PROGRESS, async (event, job) => {
    const message = progressMessage(event.payload.action);
    if (!message) return;
    const row = await orderOf(event, job.tx);
    if (!row) return;
    // The note of the entry this event is about (the answer, the reason): the latest entry with that action.
    const entry = await job.tx
      .selectFrom('work_order_timeline')
      .select('note')
      .where('work_order_id', '=', row.id)
      .where('action', '=', String(event.payload.action))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    await send(job, event, NOTIFY_PROGRESS, ctx, notifier, row, message, { note: truncate(entry?.note ?? '', 200) });
  }, { when: (payload) => progressMessage(payload.action) !== undefined });

  ctx.handlers.subscribe('work_order.parent_closed', NOTIFY_PARENT_CLOSED, async (event, job) => {
    const row = await orderOf(event, job.tx);
    if (row) await send(job, event, NOTIFY_PARENT_CLOSED, ctx, notifier, row, 'work_order.sms.parent_closed', { parentCode: String(event.payload.parentCode ?? '') });
  });
}

const truncate = (s: string, n: number) => ([...s].length <= n ? s : `${[...s].slice(0, n - 1).join('')}…`);
