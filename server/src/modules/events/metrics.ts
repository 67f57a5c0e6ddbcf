/** Prometheus gauges for the job queue, read from the database at scrape time (one query per scrape). */
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../../app-context.js';
import { countByStatus } from './events.repo.js';

export function registerJobMetrics(registry: Registry, db: Db): void {
  new Gauge({
    name: 'civicgrid_jobs',
    help: 'Background jobs (event deliveries and timers) by state; "due" are pending and ready to run now',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await countByStatus(db);
      for (const [state, value] of Object.entries(counts)) this.set({ state }, value);
    },
  });
}
