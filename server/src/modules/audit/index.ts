export { recordAudit, type AuditInput } from './audit.service.js';
export { GENESIS, canonicalJson, entryHash, verifyChain, type ChainProblem, type StoredEntry } from './chain.js';
