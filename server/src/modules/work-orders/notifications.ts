/**
 * Telling residents how their report is going (SMS through the pluggable Notifier; the default one records each
 * message in the outbox administrators can read). Sent from events, by subscribers that run in the job's
 * transaction: the message row and the job's completion commit together, so one event never sends twice, and a
 * failed attempt sends nothing and is retried.
 *
 * Who hears what: the reporter (when they left a mainland mobile number and did not report as an inspector) on
 * intake (ticket code and how to track), on an answer at first contact, on a rejection (with the reason), when the
 * order is closed (with an invitation to rate), and when an order theirs was merged into is closed.
 */
import type { AppContext, Db } from '../../app-context.js';
import { normalisePhone, openPersonal } from '../identity/index.js';
import type { Notifier } from '../messages/index.js';
import type { DomainEvent } from '../events/index.js';
import { translate } from '../../shared/i18n.js';
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
};

async function send(tx: Db, ctx: Pick<AppContext, 'config'>, notifier: Notifier, row: repo.WorkOrderRow, code: string, params: Record<string, string | number>): Promise<void> {
  if (!row.reporter_phone_enc || row.channel === 'inspector' || row.channel === 'sensor') return;
  const phone = normalisePhone(openPersonal(ctx.config.secretKey, row.reporter_phone_enc));
  if (phone === null) return; // A landline or a foreign number: no SMS (the hotline calls back instead).
  const jurisdiction = await tx.selectFrom('jurisdictions').select('name_zh').where('id', '=', row.jurisdiction_id).executeTakeFirst();
  const body = translate('zh-CN', code, { city: jurisdiction?.name_zh ?? '', code: row.code, last4: row.reporter_phone_last4 ?? '', title: row.title, ...params });
  await notifier.send(tx, { jurisdictionId: row.jurisdiction_id, channel: 'sms', to: phone, body, purpose: PURPOSE });
}

export function registerNotifications(ctx: Pick<AppContext, 'handlers' | 'config'>, notifier: Notifier): void {
  if (ctx.handlers.subscribersOf('work_order.created').includes(NOTIFY_CREATED)) return;
  const orderOf = async (event: DomainEvent, tx: Db) => repo.lockWorkOrder(tx, String(event.payload.workOrderId));

  ctx.handlers.subscribe('work_order.created', NOTIFY_CREATED, async (event, job) => {
    const row = await orderOf(event, job.tx);
    if (row) await send(job.tx, ctx, notifier, row, 'work_order.sms.created', {});
  });

  ctx.handlers.subscribe('work_order.transitioned', NOTIFY_PROGRESS, async (event, job) => {
    const message = PROGRESS_MESSAGES[String(event.payload.action)];
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
    await send(job.tx, ctx, notifier, row, message, { note: truncate(entry?.note ?? '', 200) });
  });

  ctx.handlers.subscribe('work_order.parent_closed', NOTIFY_PARENT_CLOSED, async (event, job) => {
    const row = await orderOf(event, job.tx);
    if (row) await send(job.tx, ctx, notifier, row, 'work_order.sms.parent_closed', { parentCode: String(event.payload.parentCode ?? '') });
  });
}

const truncate = (s: string, n: number) => ([...s].length <= n ? s : `${[...s].slice(0, n - 1).join('')}…`);
