import { ensurePgliteTemplate, ensurePostgisTestBundle, ensurePostgresTemplate } from './template.js';

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  ensurePostgisTestBundle();
  if (url) await ensurePostgresTemplate(url);
  else await ensurePgliteTemplate();
}
