/** Prometheus metrics for one app instance (own registry, so tests can build many apps). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  observe(route: string, method: string, status: number, elapsedMs: number): void;
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'civicgrid_' });
  const duration = new Histogram({
    name: 'civicgrid_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const total = new Counter({
    name: 'civicgrid_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  return {
    registry,
    observe(route, method, status, elapsedMs) {
      const labels = { route, method, status: String(status) };
      duration.observe(labels, elapsedMs / 1000);
      total.inc(labels);
    },
  };
}
