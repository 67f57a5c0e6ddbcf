/**
 * The demo's knowledge base: the letters to the Shangluo mayor's mailbox and their replies
 * (data/shangluo-mayor-mailbox.csv, MIT — see data/NOTICE.md), personal data removed, published, in one
 * transaction. A second start finds them there and does nothing (no segmentation, no file read).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../../shared/actor.js';
import * as repo from './knowledge.repo.js';
import { importKnowledgeCsv, type KnowledgeContext } from './knowledge.service.js';

export const MAILBOX_CSV = fileURLToPath(new URL('./data/shangluo-mayor-mailbox.csv', import.meta.url));

/** Seeds in flight in this process, by database and jurisdiction: racing starts share one (other processes meet ON CONFLICT). */
const inflightByDb = new WeakMap<object, Map<string, Promise<number>>>();

/** Returns how many articles were added (0 when the demo letters are already there). */
export function seedDemoKnowledge(ctx: KnowledgeContext, jurisdictionId: string, actor: Actor): Promise<number> {
  let inflight = inflightByDb.get(ctx.db);
  if (!inflight) inflightByDb.set(ctx.db, (inflight = new Map()));
  const running = inflight.get(jurisdictionId);
  if (running) return running.then(() => 0);
  const seeding = (async () => {
    if ((await repo.countBySource(ctx.db, jurisdictionId, 'mailbox')) > 0) return 0;
    const report = await importKnowledgeCsv(ctx, jurisdictionId, readFileSync(MAILBOX_CSV, 'utf8'), actor, { source: 'mailbox', publish: true, skipRejected: true });
    return report.inserted;
  })().finally(() => inflight.delete(jurisdictionId));
  inflight.set(jurisdictionId, seeding);
  return seeding;
}
