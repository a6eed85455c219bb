import request from 'supertest';
import type { EmulatorScript } from '../emulator/emulator-types';
import { googleError, quotaExceededError } from '../emulator/google-error';
import { startSidecarHarness, type HarnessOverrides, type SidecarHarness } from '../helpers/sidecar-harness';
import { chatBody, geminiTextChunks, pieces } from './fault-helpers';

/** Recognisable fake secrets: a Gemini key (caller's or pool's), a second pool key, a sidecar client key. */
const GEMINI_KEY = 'AIzaSyFAKE-gemini-key-SECRET-0123456789';
const SECOND_POOL_KEY = 'AIzaSyFAKE-second-pool-key-SECRET-98765';
const CLIENT_KEY = 'sk-sidecar-client-key-SECRET-424242';
const SECRETS = [GEMINI_KEY, SECOND_POOL_KEY, CLIENT_KEY];

/** How a scenario authenticates callers on the OpenAI routes and on the native passthrough. */
interface Scenario {
  name: string;
  overrides: HarnessOverrides;
  /** Headers of an authorised OpenAI call. */
  openai: Record<string, string>;
  /** Headers and query of an authorised native call (`?key=` is how Google's curl samples send it). */
  native: { headers: Record<string, string>; query: string };
  /** The key Gemini quotes in its error messages (only the key the call used: Gemini knows no other), or ''. */
  echoed: string;
  /** Keys allowed in the upstream `x-goog-api-key` header. */
  upstreamKeys: string[];
  /** A refused caller (401). */
  refused: Array<Record<string, string>>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'caller key (no sidecar keys)',
    overrides: {},
    openai: { Authorization: `Bearer ${GEMINI_KEY}` },
    native: { headers: {}, query: `?key=${GEMINI_KEY}` },
    echoed: GEMINI_KEY,
    upstreamKeys: [GEMINI_KEY],
    refused: [{}],
  },
  {
    name: 'pool key behind auth.clientKeys',
    overrides: { gemini: { apiKeys: [GEMINI_KEY] }, auth: { clientKeys: [CLIENT_KEY] } },
    openai: { Authorization: `Bearer ${CLIENT_KEY}` },
    native: { headers: { 'x-goog-api-key': CLIENT_KEY }, query: '' },
    echoed: GEMINI_KEY,
    upstreamKeys: [GEMINI_KEY],
    refused: [{}, { Authorization: `Bearer ${GEMINI_KEY}` }, { Authorization: `Bearer ${CLIENT_KEY}x` }, { 'x-goog-api-key': GEMINI_KEY }],
  },
  {
    // Round-robin decides which key a call uses, so Gemini's messages here quote none (it only knows the one it got).
    name: 'pool of two keys, caller sends a Gemini key too',
    overrides: { gemini: { apiKeys: [GEMINI_KEY, SECOND_POOL_KEY] } },
    openai: { Authorization: `Bearer ${GEMINI_KEY}` },
    native: { headers: {}, query: `?key=${GEMINI_KEY}` },
    echoed: '',
    upstreamKeys: [GEMINI_KEY, SECOND_POOL_KEY],
    refused: [],
  },
];

/** A Gemini error whose message quotes the key, as Google's "Consumer 'api_key:…' has been suspended" does. */
function echoingError(status: number, googleStatus: string, key: string): EmulatorScript {
  return { kind: 'json', ...googleError(status, googleStatus, `Permission denied: Consumer 'api_key:${key}' has been suspended.`) };
}

interface Exchange {
  label: string;
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

interface Call {
  label: string;
  method: 'get' | 'post';
  path: string;
  body?: object;
  scripts?: EmulatorScript[];
  headers?: Record<string, string>;
}

/** Mixed traffic: every endpoint, unary and streaming, successes, Gemini errors quoting the key, transport errors, 401s. */
function trafficFor(scenario: Scenario): Call[] {
  const key = scenario.echoed;
  const firstChunk = geminiTextChunks(pieces('partial', 2))[0];
  const nativeBody = { contents: [{ role: 'user', parts: [{ text: 'native hello' }] }] };
  const native = { headers: scenario.native.headers };
  return [
    { label: 'chat unary', method: 'post', path: '/v1/chat/completions', body: chatBody('hello') },
    { label: 'chat stream', method: 'post', path: '/v1/chat/completions', body: { ...chatBody('hello', true), stream_options: { include_usage: true } } },
    { label: 'embeddings', method: 'post', path: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: ['a', 'b'] } },
    { label: 'images', method: 'post', path: '/v1/images/generations', body: { model: 'gemini-2.5-flash-image', prompt: 'a lighthouse' } },
    { label: 'models list', method: 'get', path: '/v1/models' },
    { label: 'model retrieve', method: 'get', path: '/v1/models/gemini-2.5-flash' },
    { label: 'native generate', method: 'post', path: `/v1beta/models/gemini-2.5-flash:generateContent${scenario.native.query}`, body: nativeBody, ...native },
    { label: 'native stream', method: 'post', path: `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse${scenario.native.query.replace('?', '&')}`, body: nativeBody, ...native },
    { label: 'native models', method: 'get', path: `/v1beta/models${scenario.native.query}`, ...native },
    { label: 'bad request', method: 'post', path: '/v1/chat/completions', body: { ...chatBody('x'), temperature: 'hot' } },
    { label: 'unknown route', method: 'get', path: `/v1/nope?key=${key}` },
    { label: 'chat 403 quoting the key', method: 'post', path: '/v1/chat/completions', body: chatBody('x'), scripts: [echoingError(403, 'PERMISSION_DENIED', key)] },
    { label: 'stream 400 quoting the key', method: 'post', path: '/v1/chat/completions', body: chatBody('x', true), scripts: [echoingError(400, 'INVALID_ARGUMENT', key)] },
    {
      label: 'stream error event quoting the key',
      method: 'post',
      path: '/v1/chat/completions',
      body: chatBody('x', true),
      scripts: [{ kind: 'sse', chunks: [firstChunk, { error: { code: 500, message: `Internal error for api_key:${key}`, status: 'INTERNAL' } }] }],
    },
    {
      label: 'chat 429 quoting the key',
      method: 'post',
      path: '/v1/chat/completions',
      body: chatBody('x'),
      scripts: [{ kind: 'json', status: 429, body: { error: { ...quotaExceededError('40s').body.error, message: `Quota exceeded for api_key:${key}` } } }],
    },
    { label: 'embeddings 403 quoting the key', method: 'post', path: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: 'a' }, scripts: [echoingError(403, 'PERMISSION_DENIED', key)] },
    { label: 'images 403 quoting the key', method: 'post', path: '/v1/images/generations', body: { model: 'gemini-2.5-flash-image', prompt: 'x' }, scripts: [echoingError(403, 'PERMISSION_DENIED', key)] },
    { label: 'native 403 quoting the key', method: 'post', path: `/v1beta/models/gemini-2.5-flash:generateContent${scenario.native.query}`, body: nativeBody, scripts: [echoingError(403, 'PERMISSION_DENIED', key)], ...native },
    {
      label: 'native stream error event quoting the key',
      method: 'post',
      path: `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse${scenario.native.query.replace('?', '&')}`,
      body: nativeBody,
      scripts: [{ kind: 'sse', chunks: [firstChunk, { error: { code: 500, message: `Internal error for api_key:${key}`, status: 'INTERNAL' } }] }],
      ...native,
    },
    { label: 'connection reset', method: 'post', path: '/v1/chat/completions', body: chatBody('x'), scripts: [{ kind: 'reset' }] },
    ...scenario.refused.map((headers, index): Call => ({ label: `refused caller ${index}`, method: 'post', path: '/v1/chat/completions', body: chatBody('x'), headers })),
    // Last: it marks the key Gemini called invalid (a pool with another key benches it).
    {
      label: 'API_KEY_INVALID quoting the key',
      method: 'post',
      path: '/v1/chat/completions',
      body: chatBody('x'),
      scripts: [
        {
          kind: 'json',
          status: 400,
          body: {
            error: {
              code: 400,
              message: `API key not valid: ${key}`,
              status: 'INVALID_ARGUMENT',
              details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
            },
          },
        },
      ],
    },
  ];
}

async function run(harness: SidecarHarness, scenario: Scenario, call: Call): Promise<Exchange> {
  harness.emulator.enqueue(...(call.scripts ?? []));
  let test = call.method === 'get' ? request(harness.app).get(call.path) : request(harness.app).post(call.path);
  for (const [name, value] of Object.entries(call.headers ?? (call.path.startsWith('/v1beta/models') ? {} : scenario.openai))) test = test.set(name, value);
  const response = await (call.body ? test.send(call.body) : test);
  return { label: call.label, status: response.status, headers: response.headers as Record<string, unknown>, text: response.text };
}

/** Every place a secret showed up, as "where: which". */
function findSecrets(where: string, text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret)).map((secret) => `${where}: ${secret}`);
}

describe.each(SCENARIOS)('no secret leaves the sidecar except in x-goog-api-key ($name)', (scenario) => {
  let harness: SidecarHarness;
  let exchanges: Exchange[];
  beforeAll(async () => {
    harness = await startSidecarHarness(scenario.overrides);
    exchanges = [];
    for (const call of trafficFor(scenario)) exchanges.push(await run(harness, scenario, call));
  });
  afterAll(() => harness.close());

  it('ran the traffic it meant to: successes, errors, streams and refusals', () => {
    const status = Object.fromEntries(exchanges.map((exchange) => [exchange.label, exchange.status]));
    expect(status).toMatchObject({
      'chat unary': 200,
      'chat stream': 200,
      embeddings: 200,
      images: 200,
      'models list': 200,
      'native generate': 200,
      'native stream': 200,
      'bad request': 400,
      'chat 403 quoting the key': 403,
      'stream 400 quoting the key': 400,
      'stream error event quoting the key': 200,
      'chat 429 quoting the key': 429,
      'native 403 quoting the key': 403,
      'native stream error event quoting the key': 200,
      'connection reset': 502,
      'API_KEY_INVALID quoting the key': 401,
    });
    for (const index of scenario.refused.keys()) expect(status[`refused caller ${index}`]).toBe(401);
    expect(harness.emulator.requests.some((upstream) => upstream.headers['x-goog-api-key'] === GEMINI_KEY)).toBe(true);
  });

  const isNativeEcho = (exchange: Exchange) => exchange.label.startsWith('native') && exchange.label.includes('quoting the key');

  it('keeps every secret out of response bodies (JSON and SSE) and headers', () => {
    const found = exchanges.flatMap((exchange) => [
      ...(isNativeEcho(exchange) ? [] : findSecrets(`${exchange.label} body`, exchange.text)),
      ...findSecrets(`${exchange.label} headers`, JSON.stringify(exchange.headers)),
    ]);
    expect(found).toEqual([]);
  });

  // Known bug (reported): the native passthrough relays Gemini's error bodies and stream events verbatim, so a key
  // Gemini quotes ("Consumer 'api_key:…' has been suspended") reaches the caller; with a pool key, that is the
  // sidecar's own secret. The translated routes redact the same message.
  it('redacts a key Gemini quotes in a native passthrough error body or stream event', () => {
    const native = exchanges.filter(isNativeEcho);
    expect(native.map((exchange) => exchange.label)).toEqual(['native 403 quoting the key', 'native stream error event quoting the key']);
    expect(native.flatMap((exchange) => findSecrets(`${exchange.label} body`, exchange.text))).toEqual([]);
  });

  it('keeps every secret out of the log lines', () => {
    expect(harness.logs.length).toBeGreaterThan(exchanges.length);
    expect(harness.logs.flatMap((line, index) => findSecrets(`log line ${index} ${line.slice(0, 160)}`, line))).toEqual([]);
  });

  it('keeps every secret out of the metrics exposition', async () => {
    expect(findSecrets('metrics', await harness.metrics.registry.metrics())).toEqual([]);
  });

  it('sends the Gemini key upstream only in x-goog-api-key, never in a URL, another header or a body', () => {
    const found = harness.emulator.requests.flatMap((upstream, index) => {
      const { 'x-goog-api-key': headerKey, ...otherHeaders } = upstream.headers;
      const where = `upstream #${index} ${upstream.method} ${upstream.path}`;
      return [
        ...findSecrets(`${where} path`, upstream.path),
        ...(upstream.path.includes('key=') ? [`${where} path has key=`] : []),
        ...findSecrets(`${where} headers`, JSON.stringify(otherHeaders)),
        ...findSecrets(`${where} body`, upstream.rawBody),
        ...(scenario.upstreamKeys.includes(String(headerKey)) ? [] : [`${where} x-goog-api-key is not a Gemini key`]),
      ];
    });
    expect(found).toEqual([]);
  });
});
