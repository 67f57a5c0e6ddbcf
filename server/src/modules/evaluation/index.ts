/**
 * Governance evaluation (城市治理现代化评估): indicator systems, AHP / entropy / TOPSIS, scoring runs with tiers,
 * statistics and sensitivity. Other modules and the CLI use only what is exported here.
 */
export { mcdmAhp, mcdmEntropy, mcdmTopsis } from './mcdm-cli.js';
