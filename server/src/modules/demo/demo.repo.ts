/** The one piece of SQL the seed needs itself: a lock so two processes starting at once seed once. */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';

const SEED_LOCK = 7243020;

export async function lockSeed(tx: Db): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`.execute(tx);
}
