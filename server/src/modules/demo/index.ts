/** Demo mode: the city of Chengdu with its districts, departments and one account per role. */
export { seedDemo, demoAccounts, readDistricts, type DemoAccount, type SeedResult } from './demo.service.js';
export { JURISDICTION as DEMO_JURISDICTION, INSPECTOR_GRIDS as DEMO_INSPECTOR_GRIDS } from './chengdu.js';
