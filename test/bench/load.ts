/**
 * The load generators: autocannon for request/response workloads (latency taken per response at full precision, as
 * autocannon's own histogram rounds to whole milliseconds), and a small undici client for streams.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';

/** One HTTP request as sent to an arm. */
export interface BenchRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** What a request/response load measured (latencies in ms, successful responses only). */
export interface CannonResult {
  ok: number;
  errors: number;
  seconds: number;
  latencies: Float64Array;
}

/** Fixed-concurrency load for `seconds` with autocannon; with `rate`, at most that many requests per second in all. */
export async function cannon(request: BenchRequest, connections: number, seconds: number, timeoutSeconds: number, rate?: number): Promise<CannonResult> {
  const latencies: number[] = [];
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `${request.origin}${request.path}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        body: request.body,
        connections,
        duration: seconds,
        timeout: timeoutSeconds,
        ...(rate ? { overallRate: rate } : {}),
      },
      (error: Error | null, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance?.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await finished;
  const elapsed = (performance.now() - started) / 1000;
  const ok = result['2xx'];
  return { ok, errors: result.non2xx + result.errors + result.timeouts, seconds: Math.min(elapsed, result.duration || elapsed), latencies: Float64Array.from(latencies) };
}

/** Outcome of one streamed request. */
export interface StreamOutcome {
  ok: boolean;
  /** Time to the first event carrying content, ms. */
  ttfcMs: number;
  totalMs: number;
  /** `data:` events received, `[DONE]` excluded. */
  events: number;
  /** The raw body, when asked to keep it. */
  body?: string;
  error?: string;
}

/** How an arm's stream shows content and a clean end. */
export interface StreamMarkers {
  /** Matches the first event with non-empty content. */
  content: RegExp;
  /** Matches once the answer finished. */
  finished: RegExp;
}

function countEvents(body: string): number {
  let events = 0;
  for (let at = body.indexOf('data:'); at !== -1; at = body.indexOf('data:', at + 5)) events += 1;
  return events - (body.includes('data: [DONE]') ? 1 : 0);
}

/** Sends one streaming request on `pool` and reads it to the end. */
export async function oneStream(pool: Pool, request: BenchRequest, markers: StreamMarkers, signal: AbortSignal, keepBody = false): Promise<StreamOutcome> {
  const started = performance.now();
  let ttfcMs = Number.NaN;
  let body = '';
  try {
    const response = await pool.request({
      path: request.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
      signal,
    });
    response.body.setEncoding('utf8');
    for await (const piece of response.body as AsyncIterable<string>) {
      body += piece;
      if (Number.isNaN(ttfcMs) && markers.content.test(body)) ttfcMs = performance.now() - started;
    }
    const totalMs = performance.now() - started;
    const ok = response.statusCode === 200 && !Number.isNaN(ttfcMs) && markers.finished.test(body);
    const error = ok ? undefined : `HTTP ${response.statusCode}: ${body.slice(0, 300)}`;
    return { ok, ttfcMs, totalMs, events: countEvents(body), ...(keepBody ? { body } : {}), ...(error ? { error } : {}) };
  } catch (error) {
    return { ok: false, ttfcMs, totalMs: performance.now() - started, events: countEvents(body), error: (error as Error).message };
  }
}

/** What a streaming load measured. */
export interface StreamLoadResult {
  ok: number;
  errors: number;
  seconds: number;
  events: number;
  ttfc: Float64Array;
  totals: Float64Array;
  maxOpen: number;
  firstError?: string;
}

function collect(outcomes: StreamOutcome[], seconds: number, maxOpen: number): StreamLoadResult {
  const good = outcomes.filter((outcome) => outcome.ok);
  return {
    ok: good.length,
    errors: outcomes.length - good.length,
    seconds,
    events: good.reduce((sum, outcome) => sum + outcome.events, 0),
    ttfc: Float64Array.from(good.map((outcome) => outcome.ttfcMs)),
    totals: Float64Array.from(good.map((outcome) => outcome.totalMs)),
    maxOpen,
    ...(outcomes.find((outcome) => !outcome.ok)?.error ? { firstError: outcomes.find((outcome) => !outcome.ok)?.error } : {}),
  };
}

/** `concurrency` loops, each streaming one request after another, for `seconds`. */
export async function streamLoad(request: BenchRequest, markers: StreamMarkers, concurrency: number, seconds: number): Promise<StreamLoadResult> {
  const pool = new Pool(request.origin, { connections: concurrency, keepAliveTimeout: 30_000 });
  const controller = new AbortController();
  const outcomes: StreamOutcome[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) outcomes.push(await oneStream(pool, request, markers, controller.signal));
  };
  const hardStop = setTimeout(() => controller.abort(), seconds * 1000 + 30_000);
  await Promise.all(Array.from({ length: concurrency }, loop));
  clearTimeout(hardStop);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return collect(outcomes, elapsed, concurrency);
}

/**
 * `count` streams opened over `rampMs` (one every rampMs/count ms) and held open by the upstream's chunk delay; every
 * one has to finish within `timeoutMs`, the rest are aborted and counted as errors.
 */
export async function manyStreams(request: BenchRequest, markers: StreamMarkers, count: number, rampMs: number, timeoutMs: number): Promise<StreamLoadResult> {
  const pool = new Pool(request.origin, { connections: count, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`not finished within ${timeoutMs} ms`)), timeoutMs);
  const started = performance.now();
  let open = 0;
  let maxOpen = 0;
  const one = async (index: number): Promise<StreamOutcome> => {
    await new Promise((resolve) => setTimeout(resolve, (index * rampMs) / count));
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    try {
      return await oneStream(pool, request, markers, controller.signal);
    } finally {
      open -= 1;
    }
  };
  const outcomes = await Promise.all(Array.from({ length: count }, (_, index) => one(index)));
  clearTimeout(timer);
  const elapsed = (performance.now() - started) / 1000;
  await pool.destroy();
  return collect(outcomes, elapsed, maxOpen);
}

/** The p-th percentile (0..100) of `values`, NaN when empty. */
export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** One JSON request/response exchange (verification), with the parsed body. */
export async function exchange(request: BenchRequest, timeoutMs: number): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`${request.origin}${request.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...request.headers },
    body: request.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}
