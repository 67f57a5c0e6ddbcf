/**
 * A small HTTP load generator over keep-alive connections to 127.0.0.1, recording each latency. Closed loop
 * (`runLoad`: a fixed number of requests at a fixed concurrency) or open loop (`runOpenLoop`: a fixed number of
 * requests offered at a fixed rate, latency counted from each request's scheduled time). GET, or POST with a body
 * per request. Bounded by construction (a fixed count, a cap on requests in flight, no open-ended loops).
 */
import http from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  requests: number;
  concurrency: number;
  /** POST this JSON text (request number → body); GET when absent. */
  body?: (i: number) => string;
  /** The body's media type (default application/json; e.g. application/x-www-form-urlencoded). */
  contentType?: string;
  /** Extra headers per request (e.g. its own Idempotency-Key). */
  headersFor?: (i: number) => Record<string, string>;
  /** The status that counts as success (default 200); any other is an error. */
  expectStatus?: number;
  /**
   * Connections to reuse (see keptAgent): the run neither opens its own nor closes these, so that rounds measured one
   * after another run over connections already open, as a long-lived client's would. Default: a fresh agent per run.
   */
  agent?: http.Agent;
}

/** A keep-alive agent to share between runs (LoadOptions.agent) with up to `concurrency` connections; destroy it after. */
export function keptAgent(concurrency: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

export interface LoadResult {
  requests: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /**
   * CPU time of this process (server + load generator, user + system) per request: unlike requests per second it
   * hardly moves with what else the machine is doing, so it compares two code paths on a busy machine too.
   */
  cpuMsPerRequest?: number;
  /** Of that, the time V8's garbage collector ran (main-thread pauses, as PerformanceObserver reports them). */
  gcMsPerRequest?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends request `i`; resolves with its status (0: connection error) once the whole answer has arrived. */
function send(agent: http.Agent, options: LoadOptions, i: number): Promise<number> {
  return new Promise<number>((resolve) => {
    const body = options.body?.(i);
    // Built by assignment: on Node 20's V8, `{ ...a, ...b }` and `{ ...a, key }` take a slow path (microseconds per
    // request), which the load generator would spend on the same thread as the server it measures.
    const headers: Record<string, string> = Object.assign({}, options.headers, options.headersFor?.(i));
    if (body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = http.request(options.url, { agent, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function summarise(options: LoadOptions, latencies: number[], errors: number, seconds: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    requests: options.requests,
    concurrency: options.concurrency,
    seconds: round(seconds),
    perSecond: Math.round(options.requests / seconds),
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? 0),
    errors,
  };
}

/** What one closed-loop run measured, before it is summarised (see runLoad; merged by runLoadRounds). */
export interface RawLoad {
  latencies: number[];
  errors: number;
  seconds: number;
  cpuMicros: number;
  gcMs: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  return summariseRaw(options, [await measureLoad(options)]);
}

function summariseRaw(options: LoadOptions, raws: RawLoad[]): LoadResult {
  const requests = raws.reduce((n, r) => n + r.latencies.length, 0);
  const sum = (f: (r: RawLoad) => number) => raws.reduce((n, r) => n + f(r), 0);
  const summary = summarise({ ...options, requests }, raws.flatMap((r) => r.latencies), sum((r) => r.errors), sum((r) => r.seconds));
  const perRequest = (total: number) => Math.round((total / requests) * 100) / 100;
  return { ...summary, cpuMsPerRequest: perRequest(sum((r) => r.cpuMicros) / 1000), gcMsPerRequest: perRequest(sum((r) => r.gcMs)) };
}

/**
 * Two loads measured in alternation, `rounds` times `requests / rounds` each (a, b, a, b, …), each summarised over all
 * its rounds: requests per second over the time spent on its own rounds, percentiles over all its requests. A slow
 * spell of the machine (another process, a checkpoint) then falls on both rather than on whichever ran at that time.
 * `around` wraps each round (e.g. to read PostgreSQL's CPU); its per-round figures are returned as `extras`, and each
 * round's own requests per second as `roundsPerSecond` (a's round i ran just before b's: a pair, for paired ratios).
 */
export async function runLoadRounds<X>(
  rounds: number,
  loads: { a: (requests: number) => LoadOptions; b: (requests: number) => LoadOptions },
  requests: number,
  around: (run: () => Promise<RawLoad>) => Promise<{ raw: RawLoad; extra: X }>,
): Promise<{ a: LoadResult & { extras: X[]; roundsPerSecond: number[] }; b: LoadResult & { extras: X[]; roundsPerSecond: number[] } }> {
  const parts = { a: [] as Array<{ raw: RawLoad; extra: X }>, b: [] as Array<{ raw: RawLoad; extra: X }> };
  const each = Math.ceil(requests / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const side of ['a', 'b'] as const) parts[side].push(await around(() => measureLoad(loads[side](each))));
  }
  const result = (side: 'a' | 'b') => ({
    ...summariseRaw(loads[side](each), parts[side].map((p) => p.raw)),
    extras: parts[side].map((p) => p.extra),
    roundsPerSecond: parts[side].map((p) => Math.round(p.raw.latencies.length / p.raw.seconds)),
  });
  return { a: result('a'), b: result('b') };
}

async function measureLoad(options: LoadOptions): Promise<RawLoad> {
  const agent = options.agent ?? new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const expected = options.expectStatus ?? 200;
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const worker = async () => {
    while (issued < options.requests) {
      const i = issued++;
      const started = process.hrtime.bigint();
      const status = await send(agent, options, i);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== expected) errors++;
    }
  };
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const gc = gcTime();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const gcMs = await gc.stop();
  if (!options.agent) agent.destroy();
  return { latencies, errors, seconds, cpuMicros: used.user + used.system, gcMs };
}

/** Sums the garbage collector's pauses from now until stop() (entries are delivered asynchronously: stop waits a tick). */
function gcTime(): { stop: () => Promise<number> } {
  let ms = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) ms += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      observer.disconnect();
      return ms;
    },
  };
}

export interface OpenLoopResult extends LoadResult {
  offeredPerSecond: number;
  /** Requests that had to wait for a free slot (the server fell behind by `concurrency` requests). */
  delayedStarts: number;
}

/**
 * Open loop: request i is due at start + i / ratePerSecond whatever the earlier ones are doing, at most
 * `concurrency` in flight. Latency runs from the due time, so a server that falls behind is charged for the queue
 * it causes (no coordinated omission).
 */
export async function runOpenLoop(options: LoadOptions & { ratePerSecond: number }): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const expected = options.expectStatus ?? 200;
  const latencies: number[] = [];
  let errors = 0;
  let delayedStarts = 0;
  let inFlight = 0;
  const slotFreed: Array<() => void> = [];
  const pending: Promise<void>[] = [];
  const start = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  for (let i = 0; i < options.requests; i++) {
    const dueMs = (i * 1000) / options.ratePerSecond;
    const wait = dueMs - elapsedMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= options.concurrency) {
      delayedStarts++;
      await new Promise<void>((r) => slotFreed.push(r));
    }
    inFlight++;
    pending.push(
      send(agent, options, i).then((status) => {
        latencies.push(elapsedMs() - dueMs);
        if (status !== expected) errors++;
        inFlight--;
        slotFreed.shift()?.();
      }),
    );
  }
  await Promise.all(pending);
  const seconds = elapsedMs() / 1000;
  agent.destroy();
  return { ...summarise(options, latencies, errors, seconds), offeredPerSecond: options.ratePerSecond, delayedStarts };
}
