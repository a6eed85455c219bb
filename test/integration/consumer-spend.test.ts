import { createHash } from 'node:crypto';
import request from 'supertest';
import { BUILT_IN_PRICES, type PriceRow } from '@sidecar/spend/price-table';
import { loadRecordedChunks } from '../helpers/recorded-fixtures';
import { startSidecarHarness, type HarnessOverrides, type SidecarHarness } from '../helpers/sidecar-harness';
import { sampleValue as sample } from '../helpers/metric-sample';

const KEY = 'caller-gemini-key-1234';
const KONG = { 'X-Consumer-Username': 'team-search', 'X-Consumer-ID': '8d1f0c3e-0000-4000-8000-000000000001' };
const CHAT = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'count my tokens' }] };


/** The built-in row whose `match` lists `model` exactly (looked up here, not through the sidecar's findPrice). */
function rowListing(model: string): PriceRow {
  const row = BUILT_IN_PRICES.find((candidate) => candidate.match.includes(model));
  if (!row) throw new Error(`no built-in row lists ${model}`);
  return row;
}

/** Google's formula, written out: fresh input, cached input and output (thinking included) at the row's rates. */
function expectedUsd(row: PriceRow, tokens: { input: number; cached: number; output: number }): number {
  const long = row.longContext && tokens.input > row.longContext.threshold;
  const input = long ? row.longContext!.input : row.input;
  const cached = long ? (row.longContext!.cachedInput ?? input) : (row.cachedInput ?? input);
  const output = long ? row.longContext!.output : row.output;
  return ((tokens.input - tokens.cached) * input + tokens.cached * cached + tokens.output * output) / 1e6;
}

/** A recorded-shape Gemini answer (vercel-ai google-usage-raw-live) with cached, thinking and tool-use tokens. */
function answerWithUsage(model: string, usage: Record<string, unknown>) {
  return {
    kind: 'json' as const,
    body: {
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: usage,
      modelVersion: model,
      responseId: 'resp-1',
    },
  };
}

describe('per-consumer tokens and cost', () => {
  let harness: SidecarHarness;
  const start = async (overrides: HarnessOverrides) => {
    harness = await startSidecarHarness(overrides);
  };
  afterEach(() => harness.close());
  const post = (body: object, headers: Record<string, string> = {}, path = '/v1/chat/completions') =>
    request(harness.app).post(path).set('Authorization', `Bearer ${KEY}`).set(headers).send(body);

  it("counts a chat completion under Kong's X-Consumer-Username with tokens and cost matching the usage and the price table", async () => {
    await start({ auth: { trustIngress: true } });
    const response = await post(CHAT, KONG).expect(200);
    const labels = { consumer: 'team-search', gen_ai_request_model: 'gemini-2.5-flash' };
    const usage = response.body.usage;
    expect(await sample(harness, 'gemini_sidecar_consumer_tokens_total', { ...labels, gen_ai_token_type: 'input' })).toBe(usage.prompt_tokens);
    expect(await sample(harness, 'gemini_sidecar_consumer_tokens_total', { ...labels, gen_ai_token_type: 'output' })).toBe(usage.completion_tokens);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', labels)).toBe(1);
    const row = rowListing('gemini-2.5-flash');
    expect(row.source).toBe('https://ai.google.dev/gemini-api/docs/pricing');
    expect(row.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const usd = expectedUsd(row, { input: usage.prompt_tokens, cached: 0, output: usage.completion_tokens });
    expect(usd).toBeGreaterThan(0);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', labels)).toBeCloseTo(usd, 12);
    const log = harness.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'request');
    expect(log).toMatchObject({ consumer: 'team-search', consumerSource: 'ingress', route: '/v1/chat/completions' });
  });

  it('prices cached and thinking tokens (streamed), counts them per type and the cache-hit savings', async () => {
    await start({ auth: { trustIngress: true } });
    const usage = {
      promptTokenCount: 12_000,
      candidatesTokenCount: 71,
      totalTokenCount: 12_225,
      cachedContentTokenCount: 8_000,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12_000 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8_000 }],
      toolUsePromptTokenCount: 65,
      thoughtsTokenCount: 89,
    };
    const chunk = (text: string, extra: object) => ({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...extra }], modelVersion: 'gemini-2.5-flash' });
    harness.emulator.enqueue({ kind: 'sse', chunks: [{ ...chunk('he', {}), usageMetadata: { ...usage, candidatesTokenCount: 1 } }, { ...chunk('llo', { finishReason: 'STOP' }), usageMetadata: usage }] });
    const response = await post({ ...CHAT, stream: true, stream_options: { include_usage: true } }, { 'x-consumer-username': 'team-cache' }).expect(200);
    const final = response.text.split('\n\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)) as { usage?: Record<string, number> }).at(-1)!;
    const labels = { consumer: 'team-cache', gen_ai_request_model: 'gemini-2.5-flash' };
    const count = (type: string) => sample(harness, 'gemini_sidecar_consumer_tokens_total', { ...labels, gen_ai_token_type: type });
    // Tool-use prompt tokens are input; thinking is output, and reasoning is its own series too.
    expect({ input: await count('input'), output: await count('output'), reasoning: await count('reasoning'), cached: await count('cached') }).toEqual({
      input: 12_065,
      output: 160,
      reasoning: 89,
      cached: 8_000,
    });
    expect(final.usage).toMatchObject({ prompt_tokens: 12_065, completion_tokens: 160 });
    const row = rowListing('gemini-2.5-flash');
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', labels)).toBeCloseTo(expectedUsd(row, { input: 12_065, cached: 8_000, output: 160 }), 12);
    expect(await sample(harness, 'gemini_sidecar_consumer_cache_savings_usd_total', labels)).toBeCloseTo((8_000 * (row.input - row.cachedInput!)) / 1e6, 12);
  });

  it("counts the usage of a recorded live Gemini stream (vercel-ai google-usage-raw-live) per type, as Google's fields add up", async () => {
    await start({ auth: { trustIngress: true } });
    const [recorded] = loadRecordedChunks('vercel-ai/google-usage-raw-live.chunks.txt') as Array<{ usageMetadata: Record<string, number> }>;
    const usage = recorded!.usageMetadata;
    const text = { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 }], modelVersion: 'gemini-2.5-flash' };
    harness.emulator.enqueue({ kind: 'sse', chunks: [text, recorded] });
    await post({ ...CHAT, stream: true }, KONG).expect(200);
    const labels = { consumer: 'team-search', gen_ai_request_model: 'gemini-2.5-flash' };
    const count = (type: string) => sample(harness, 'gemini_sidecar_consumer_tokens_total', { ...labels, gen_ai_token_type: type });
    const input = usage.promptTokenCount! + usage.toolUsePromptTokenCount!;
    const output = usage.candidatesTokenCount! + usage.thoughtsTokenCount!;
    expect([await count('input'), await count('output'), await count('reasoning'), await count('cached')]).toEqual([input, output, usage.thoughtsTokenCount, usage.cachedContentTokenCount]);
    // Google's own total agrees: prompt + tool-use prompt + candidates + thoughts.
    expect(input + output).toBe(usage.totalTokenCount);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', labels)).toBeCloseTo(
      expectedUsd(rowListing('gemini-2.5-flash'), { input, cached: usage.cachedContentTokenCount!, output }),
      12,
    );
  });

  it('still counts the tokens a stream reported before Gemini cut it (Gemini bills what it generated)', async () => {
    await start({ auth: { trustIngress: true } });
    const usage = { promptTokenCount: 300, candidatesTokenCount: 40, totalTokenCount: 340 };
    const chunk = { candidates: [{ content: { role: 'model', parts: [{ text: 'partial answer' }] }, index: 0 }], usageMetadata: usage, modelVersion: 'gemini-2.5-flash' };
    harness.emulator.enqueue({ kind: 'sse', chunks: [chunk, chunk], cutAfter: 1 });
    const response = await post({ ...CHAT, stream: true }, KONG).expect(200);
    expect(response.text).toContain('"error"');
    const labels = { consumer: 'team-search', gen_ai_request_model: 'gemini-2.5-flash' };
    expect(await sample(harness, 'gemini_sidecar_consumer_tokens_total', { ...labels, gen_ai_token_type: 'output' })).toBe(40);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', labels)).toBeCloseTo(expectedUsd(rowListing('gemini-2.5-flash'), { input: 300, cached: 0, output: 40 }), 12);
  });

  it('bills a prompt over 200k tokens on gemini-2.5-pro at the long-context rates for the whole request', async () => {
    await start({ auth: { trustIngress: true } });
    harness.emulator.enqueue(answerWithUsage('gemini-2.5-pro', { promptTokenCount: 250_000, candidatesTokenCount: 1_000, totalTokenCount: 251_000 }));
    await post({ ...CHAT, model: 'gemini-2.5-pro' }, KONG).expect(200);
    const row = rowListing('gemini-2.5-pro');
    expect(row.longContext?.threshold).toBe(200_000);
    const cost = await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', { consumer: 'team-search', gen_ai_request_model: 'gemini-2.5-pro' });
    expect(cost).toBeCloseTo((250_000 * row.longContext!.input + 1_000 * row.longContext!.output) / 1e6, 12);
    expect(cost).toBeGreaterThan((250_000 * row.input + 1_000 * row.output) / 1e6);
  });

  it('counts Responses and embeddings for the same consumer', async () => {
    await start({ auth: { trustIngress: true } });
    const answer = await post({ model: 'gemini-2.5-flash', input: 'hello there' }, KONG, '/v1/responses').expect(200);
    const embeddings = await post({ model: 'gemini-embedding-001', input: ['one', 'two'] }, KONG, '/v1/embeddings').expect(200);
    const tokens = (model: string, type: string) => sample(harness, 'gemini_sidecar_consumer_tokens_total', { consumer: 'team-search', gen_ai_request_model: model, gen_ai_token_type: type });
    expect(await tokens('gemini-2.5-flash', 'input')).toBe(answer.body.usage.input_tokens);
    expect(await tokens('gemini-2.5-flash', 'output')).toBe(answer.body.usage.output_tokens);
    expect(await tokens('gemini-embedding-001', 'input')).toBe(embeddings.body.usage.prompt_tokens);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', { consumer: 'team-search', gen_ai_request_model: 'gemini-embedding-001' })).toBeCloseTo(
      (embeddings.body.usage.prompt_tokens * rowListing('gemini-embedding-001').input) / 1e6,
      12,
    );
  });

  it('prices generated images at the image-output rate (image tokens from candidatesTokensDetails) and text at the output rate', async () => {
    await start({ auth: { trustIngress: true } });
    const response = await post({ model: 'gemini-2.5-flash-image', prompt: 'a lighthouse at dusk', size: '1024x1024' }, KONG, '/v1/images/generations').expect(200);
    const usage = response.body.usage as { input_tokens: number; output_tokens: number; output_tokens_details: { image_tokens: number } };
    const images = usage.output_tokens_details.image_tokens;
    expect(images).toBeGreaterThan(0);
    const row = rowListing('gemini-2.5-flash-image');
    const expected = (usage.input_tokens * row.input + (usage.output_tokens - images) * row.output + images * row.imageOutput!) / 1e6;
    const labels = { consumer: 'team-search', gen_ai_request_model: 'gemini-2.5-flash-image' };
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', labels)).toBeCloseTo(expected, 12);
    expect(await sample(harness, 'gemini_sidecar_consumer_tokens_total', { ...labels, gen_ai_token_type: 'output' })).toBe(usage.output_tokens);
  });

  it("ignores consumer headers the ingress is not trusted for, and bills the caller's key by fingerprint, never the key", async () => {
    await start({});
    await post(CHAT, KONG).expect(200);
    const fingerprint = `key:${createHash('sha256').update(KEY).digest('hex').slice(0, 8)}`;
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer: fingerprint })).toBe(1);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer: 'team-search' })).toBe(0);
    const exposition = await harness.metrics.registry.metrics();
    expect(exposition).not.toContain(KEY);
    expect(harness.logs.join('')).not.toContain(KEY);
  });

  it('believes the consumer headers only with the configured ingress secret, and never forwards the secret to Gemini', async () => {
    const secret = 'ingress-proof-0123456789abcdef';
    await start({ auth: { trustIngress: true }, consumers: { ingressSecret: secret, ingressSecretHeader: 'x-ingress-proof' } });
    await post(CHAT, { ...KONG, 'x-ingress-proof': secret }).expect(200);
    await post(CHAT, { ...KONG, 'X-Consumer-Username': 'impostor', 'x-ingress-proof': 'wrong-secret-0123456789' }).expect(200);
    await post(CHAT, { 'X-Consumer-Username': 'impostor' }).expect(200);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer: 'team-search' })).toBe(1);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer: 'impostor' })).toBe(0);
    await request(harness.app)
      .post('/v1beta/models/gemini-2.5-flash:generateContent')
      .set({ 'x-goog-api-key': KEY, 'x-ingress-proof': secret })
      .send({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
      .expect(200);
    expect(harness.emulator.lastRequest()!.headers['x-ingress-proof']).toBeUndefined();
    expect(harness.logs.join('')).not.toContain(secret);
  });

  it('gives the first maxConsumers consumers their own label and counts the rest as other', async () => {
    await start({ auth: { trustIngress: true }, consumers: { maxConsumers: 2 } });
    for (const name of ['a', 'b', 'c', 'd', 'a']) await post(CHAT, { 'x-consumer-username': `team-${name}` }).expect(200);
    const requests = (consumer: string) => sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer });
    expect({ a: await requests('team-a'), b: await requests('team-b'), c: await requests('team-c'), other: await requests('other') }).toEqual({ a: 2, b: 1, c: 0, other: 2 });
  });

  it('with an allow-list, labels only the listed consumers; the budget gauge carries the default and per-consumer budgets', async () => {
    await start({ auth: { trustIngress: true }, consumers: { allow: ['team-search', 'team-ads'], dailyBudgetUsd: 5, budgets: { 'team-ads': 50 } } });
    await post(CHAT, KONG).expect(200);
    await post(CHAT, { 'x-consumer-username': 'team-unlisted' }).expect(200);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer: 'other' })).toBe(1);
    const budgets = (await harness.metrics.registry.getSingleMetric('gemini_sidecar_consumer_daily_budget_usd')!.get()).values;
    expect(Object.fromEntries(budgets.map((value) => [value.labels.consumer, value.value]))).toEqual({ 'team-search': 5, 'team-ads': 50 });
  });

  it('takes an operator price row before the built-in one and reports it in price_table_version', async () => {
    const negotiated = { match: ['gemini-2.5-flash'], input: 0.2, output: 2, source: 'contract 2026-11', asOf: '2026-11-01' };
    await start({ auth: { trustIngress: true }, pricing: { prices: [negotiated] } });
    const response = await post(CHAT, KONG).expect(200);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', { consumer: 'team-search' })).toBeCloseTo(
      expectedUsd(negotiated, { input: response.body.usage.prompt_tokens, cached: 0, output: response.body.usage.completion_tokens }),
      12,
    );
    const build = (await harness.metrics.registry.getSingleMetric('gemini_sidecar_build_info')!.get()).values[0]!;
    expect(String(build.labels.price_table_version)).toMatch(/^\d{4}-\d{2}-\d{2}\+config\.[0-9a-f]{8}$/);
  });

  it('counts the tokens of a model without a price row as unpriced instead of costing them nothing silently', async () => {
    await start({ auth: { trustIngress: true } });
    harness.emulator.enqueue(answerWithUsage('gemma-4-27b-it', { promptTokenCount: 40, candidatesTokenCount: 2, totalTokenCount: 42 }));
    await post({ ...CHAT, model: 'gemma-4-27b-it' }, KONG).expect(200);
    expect(await sample(harness, 'gemini_sidecar_unpriced_tokens_total', {})).toBe(42);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', {})).toBe(0);
  });
});
