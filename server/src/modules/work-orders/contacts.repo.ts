/** How a reporter asked to be told besides their phone (work_order_contacts, 0049): sealed WeChat openid, e-mail. */
import type { Selectable } from 'kysely';
import type { Db } from '../../app-context.js';
import type { WorkOrderContactsTable } from '../../db/schema.js';

export type ContactRow = Selectable<WorkOrderContactsTable>;

export async function insertContact(tx: Db, values: { workOrderId: string; jurisdictionId: string; wechatOpenidEnc: string | null; emailEnc: string | null }): Promise<void> {
  if (!values.wechatOpenidEnc && !values.emailEnc) return;
  await tx
    .insertInto('work_order_contacts')
    .values({ work_order_id: values.workOrderId, jurisdiction_id: values.jurisdictionId, wechat_openid_enc: values.wechatOpenidEnc, email_enc: values.emailEnc })
    .onConflict((oc) => oc.column('work_order_id').doNothing())
    .execute();
}

export async function findContact(db: Db, workOrderId: string): Promise<ContactRow | undefined> {
  return db.selectFrom('work_order_contacts').selectAll().where('work_order_id', '=', workOrderId).executeTakeFirst();
}
