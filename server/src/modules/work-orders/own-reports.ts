/**
 * The orders a resident reported (read scope self): those filed while signed in (`reporter_user_id`, which the grant's
 * owner scope matches), and — once they have signed in with a phone code — those filed with that verified number,
 * signed out with name and phone (`reporter_phone_hmac`). The second needs a lookup the grant cannot express, so
 * every place that lets a reporter at their order asks here too: the order's detail (and whether the viewer is its
 * reporter), the list's "mine", and its photos.
 */
import type { Db } from '../../app-context.js';
import { effectiveScope, verifiedPhoneLookup, type Principal } from '../identity/index.js';

/**
 * The lookup HMAC of the viewer's verified phone when their read scope lists them as owner (a resident), else null
 * (staff, API keys, residents without a verified number).
 */
export async function ownPhoneLookup(db: Db, principal: Principal): Promise<string | null> {
  if (principal.kind !== 'user' || effectiveScope(principal, 'work_order.read').ownerUserIds.length === 0) return null;
  return verifiedPhoneLookup(db, principal.userId);
}

/** Whether an order filed with this phone (its lookup HMAC, null when filed without one) was the viewer's report by phone. */
export async function reportedWithOwnPhone(db: Db, principal: Principal, reporterPhoneHmac: string | null): Promise<boolean> {
  if (reporterPhoneHmac === null) return false;
  return (await ownPhoneLookup(db, principal)) === reporterPhoneHmac;
}
