export { recordAudit, type AuditInput } from './audit.service.js';
export { verifyAuditLog, type AuditVerification, type VerifyOptions } from './audit-verify.js';
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
