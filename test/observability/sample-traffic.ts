import { setTimeout as delay } from 'node:timers/promises';
import type { GeminiEmulator } from '../emulator/gemini-emulator';

/** Gemini's answer when a project's quota for the model is used up (429 RESOURCE_EXHAUSTED with RetryInfo). */
export const QUOTA_EXHAUSTED = {
  kind: 'json',
  status: 429,
  body: {
    error: {
      code: 429,
      message: 'quota',
      status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }],
    },
  },
} as const;

/**
 * Environment for a sidecar that runs the sample: a 1 MiB young generation makes V8 collect garbage within the few
 * requests of the sample, so `nodejs_gc_duration_seconds` has samples as it always has in a long-running process.
 */
export const SAMPLE_SIDECAR_ENV: Record<string, string> = { NODE_OPTIONS: '--max-semi-space-size=1', SIDECAR_DAILY_BUDGET_USD: '10' };

/** Kong's consumer header, as its auth plugins set it: the Spend row's per-consumer series come from it. */
const KONG_CONSUMER = { 'x-consumer-username': 'observability-test' };

/** One request of the sample and the status the sidecar answered with. */
export interface SampleAnswer {
  name: string;
  status: number;
}

const CHAT_MODEL = 'gemini-2.5-flash';

function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const headers = { 'content-type': 'application/json', ...KONG_CONSUMER };
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: signal ?? AbortSignal.timeout(10_000) });
}

/** A slow Gemini stream: ten text chunks 300 ms apart, so the client can leave in the middle. */
function slowStream(): Parameters<GeminiEmulator['enqueue']>[0] {
  const chunk = (text: string) => ({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }], modelVersion: CHAT_MODEL });
  return { kind: 'sse', chunks: Array.from({ length: 10 }, (_, index) => chunk(`part ${index} `)), intervalMs: 300 };
}

/** Reads the first piece of a streamed answer, then aborts the request the way a closed browser tab does. */
async function leaveMidStream(url: string): Promise<number> {
  const controller = new AbortController();
  const response = await post(url, { model: CHAT_MODEL, stream: true, messages: [{ role: 'user', content: 'tell me a long story' }] }, controller.signal);
  const reader = response.body!.getReader();
  await reader.read();
  controller.abort();
  await reader.cancel().catch(() => undefined);
  return response.status;
}

async function settle(name: string, pending: Promise<Response>): Promise<SampleAnswer> {
  const response = await pending;
  await response.arrayBuffer();
  return { name, status: response.status };
}

/**
 * Drives one of each kind of traffic through a running sidecar, so that every metric family (and every label the
 * dashboard and the alerts filter on) has a sample: unary and streamed chat (with usage, an ignored `user` param),
 * embeddings, one image, the models list and one model, the native passthrough, a Gemini 429, a 400 validation
 * error, a 404 and a client that disconnects mid-stream.
 */
export async function driveSampleTraffic(sidecarUrl: string, emulator: GeminiEmulator): Promise<SampleAnswer[]> {
  const chat = `${sidecarUrl}/v1/chat/completions`;
  const answers: SampleAnswer[] = [];
  answers.push(await settle('chat', post(chat, { model: CHAT_MODEL, user: 'observability-test', messages: [{ role: 'user', content: 'ping' }] })));
  answers.push(
    await settle(
      'chat stream',
      post(`${sidecarUrl}/v1beta/openai/chat/completions`, {
        model: CHAT_MODEL,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'count from one to twelve in words please' }],
      }),
    ),
  );
  answers.push(await settle('embeddings', post(`${sidecarUrl}/v1/embeddings`, { model: 'gemini-embedding-001', input: ['hello', 'world'] })));
  answers.push(await settle('image', post(`${sidecarUrl}/v1/images/generations`, { model: 'gemini-2.5-flash-image', prompt: 'a lighthouse at dusk', size: '1024x1024' })));
  answers.push(await settle('models', fetch(`${sidecarUrl}/v1/models`, { headers: { authorization: 'Bearer test-key' } })));
  answers.push(await settle('model', fetch(`${sidecarUrl}/v1/models/${CHAT_MODEL}`)));
  answers.push(
    await settle('native', post(`${sidecarUrl}/v1beta/models/${CHAT_MODEL}:generateContent`, { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })),
  );
  // The sidecar retries a 429 (waiting the 1 s RetryInfo asks for) up to gemini.retry.maxAttempts (at most 10):
  // queue enough of them that the caller gets the 429, then drop the ones left over. The key then cools down for
  // Retry-After seconds, which a polite client waits out before its next call.
  emulator.enqueue(...Array.from({ length: 10 }, () => QUOTA_EXHAUSTED));
  const quota = await post(chat, { model: CHAT_MODEL, messages: [{ role: 'user', content: 'one more' }] }, AbortSignal.timeout(30_000));
  answers.push(await settle('quota', Promise.resolve(quota)));
  emulator.reset();
  await delay(Number(quota.headers.get('retry-after') ?? 0) * 1000);
  answers.push(await settle('invalid', post(chat, { model: CHAT_MODEL })));
  answers.push(await settle('unknown url', fetch(`${sidecarUrl}/v1/nothing-here`)));
  emulator.enqueue(slowStream());
  answers.push({ name: 'disconnect', status: await leaveMidStream(chat) });
  return answers;
}

/** The expected answer of each sample request. */
export const SAMPLE_STATUSES: Record<string, number> = {
  chat: 200,
  'chat stream': 200,
  embeddings: 200,
  image: 200,
  models: 200,
  model: 200,
  native: 200,
  quota: 429,
  invalid: 400,
  'unknown url': 404,
  disconnect: 200,
};

/** Fetches the admin /metrics text. */
export async function scrape(adminUrl: string): Promise<{ text: string; contentType: string }> {
  const response = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${adminUrl}/metrics answered ${response.status}`);
  return { text: await response.text(), contentType: response.headers.get('content-type') ?? '' };
}

/** Scrapes until `done(text)` holds (e.g. the disconnect was counted), or throws with the last scrape. */
export async function scrapeUntil(adminUrl: string, done: (text: string) => boolean, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await scrape(adminUrl)).text;
    if (done(text)) return text;
    await delay(100);
  }
  throw new Error(`the sidecar's /metrics never reached the expected state; last scrape:\n${text}`);
}

/** Whether `rounds` runs of the sample have settled: each client that left mid-stream counted, nothing in flight. */
export function sampleSettled(text: string, rounds = 1): boolean {
  const disconnects = /^gemini_sidecar_client_disconnects_total\{stream="true"\} (\d+)/m.exec(text);
  return Number(disconnects?.[1] ?? 0) >= rounds && !/^gemini_sidecar_inflight_requests\{[^}]*\} [1-9]/m.test(text);
}
