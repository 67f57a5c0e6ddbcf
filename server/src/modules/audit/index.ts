import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { auditRoutes } from './audit.routes.js';

export { auditEntry, recordAudit, type AuditInput } from './audit.service.js';
export { pendingEntriesSql, type NewEntry } from './audit.repo.js';
/** The chainer's two statements (its tests check their guards on their own). */
export { chainEntries, lockAndListPending } from './audit.repo.js';
export { verifyAuditLog, type AuditVerification, type VerifyOptions } from './audit-verify.js';
export { chainAuditLog, chainBatch, startAuditChainer, type AuditChainer } from './chainer.js';
export type { AuditEntry } from './audit.repo.js';
export { auditPolicy } from './audit.policy.js';
export {
  ChainVerifier,
  GENESIS,
  canonicalJson,
  entryHash,
  toStorable,
  verifyChain,
  type ChainPoint,
  type ChainProblem,
  type StoredEntry,
} from './chain.js';

/** The auditors' API: GET /audit and GET /audit/verify. */
export function createAuditModule(ctx: AppContext): ApiModule {
  return { routes: (app) => auditRoutes(app, ctx) };
}
