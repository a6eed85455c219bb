import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { sampleValue as sample } from '../helpers/metric-sample';

const KONG = { 'X-Consumer-Username': 'team-search' };
const CHAT = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'count my tokens on vertex' }] };


/** The usage of the last SSE event carrying one (chat chunks: `usage`; Responses events: `response.usage`). */
function lastUsage(body: string): Record<string, number> | undefined {
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)) as { usage?: Record<string, number>; response?: { usage?: Record<string, number> } })
    .map((event) => event.usage ?? event.response?.usage)
    .filter((usage) => usage)
    .at(-1);
}

// Per-consumer spend (#20) on the Vertex backend (#16): the same routes, so the same accounting, from Vertex's answers.
describe('per-consumer spend on the Vertex backend', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ backend: 'vertex', auth: { trustIngress: true } });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  const tokens = (consumer: string, model: string, type: string) =>
    sample(harness, 'gemini_sidecar_consumer_tokens_total', { consumer, gen_ai_request_model: model, gen_ai_token_type: type });

  it("bills a chat completion and a streamed chat to Kong's consumer with the usage Vertex answered", async () => {
    const unary = await request(harness.app).post('/v1/chat/completions').set(KONG).send(CHAT).expect(200);
    const streamed = await request(harness.app)
      .post('/v1/chat/completions')
      .set(KONG)
      .send({ ...CHAT, stream: true, stream_options: { include_usage: true } })
      .expect(200);
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-2.5-flash', 'streamGenerateContent?alt=sse'));
    const usage = lastUsage(streamed.text)!;
    expect(await tokens('team-search', 'gemini-2.5-flash', 'input')).toBe(unary.body.usage.prompt_tokens + usage.prompt_tokens!);
    expect(await tokens('team-search', 'gemini-2.5-flash', 'output')).toBe(unary.body.usage.completion_tokens + usage.completion_tokens!);
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer: 'team-search', gen_ai_request_model: 'gemini-2.5-flash' })).toBe(2);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', { consumer: 'team-search', gen_ai_request_model: 'gemini-2.5-flash' })).toBeGreaterThan(0);
  });

  it('bills a streamed Responses call to the consumer', async () => {
    const response = await request(harness.app)
      .post('/v1/responses')
      .set({ 'X-Consumer-Username': 'team-responses' })
      .send({ model: 'gemini-2.5-flash', input: 'hello vertex', stream: true, store: false })
      .expect(200);
    const usage = lastUsage(response.text)!;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(await tokens('team-responses', 'gemini-2.5-flash', 'input')).toBe(usage.input_tokens);
    expect(await tokens('team-responses', 'gemini-2.5-flash', 'output')).toBe(usage.output_tokens);
  });

  it("bills embeddings from the token_count of each Vertex :predict call (Google's count, not the estimate)", async () => {
    const input = ['first text to embed', 'second one', 'a third, longer text to embed on vertex'];
    const response = await request(harness.app).post('/v1/embeddings').set({ 'X-Consumer-Username': 'team-embed' }).send({ model: 'gemini-embedding-001', input }).expect(200);
    // gemini-embedding-001 takes one instance per :predict call.
    expect(harness.emulator.requests.map((call) => call.path)).toEqual(input.map(() => harness.modelPath('gemini-embedding-001', 'predict')));
    expect(response.headers['x-sidecar-usage']).toBeUndefined();
    const counted = input.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    expect(response.body.usage.prompt_tokens).toBe(counted);
    expect(await tokens('team-embed', 'gemini-embedding-001', 'input')).toBe(counted);
    expect(await sample(harness, 'gemini_sidecar_consumer_cost_usd_total', { consumer: 'team-embed', gen_ai_request_model: 'gemini-embedding-001' })).toBeCloseTo((counted * 0.15) / 1e6, 12);
  });
});

describe('the ingress secret on the Vertex backend', () => {
  let harness: SidecarHarness;
  const secret = 'ingress-proof-0123456789abcdef';
  beforeAll(async () => {
    harness = await startSidecarHarness({ backend: 'vertex', consumers: { ingressSecret: secret, ingressSecretHeader: 'x-ingress-proof' } });
  });
  afterAll(() => harness.close());

  it('is never forwarded to Vertex, translated or native, and the sidecar token replaces the caller credentials', async () => {
    await request(harness.app).post('/v1/chat/completions').set({ ...KONG, 'x-ingress-proof': secret }).send(CHAT).expect(200);
    expect(harness.emulator.lastRequest()!.headers['x-ingress-proof']).toBeUndefined();
    expect(await sample(harness, 'gemini_sidecar_consumer_requests_total', { consumer: 'team-search' })).toBe(1);
    await request(harness.app)
      .post('/v1beta/models/gemini-2.5-flash:generateContent')
      .set({ 'x-goog-api-key': 'caller-key', 'x-ingress-proof': secret })
      .send({ contents: [{ role: 'user', parts: [{ text: 'native' }] }] })
      .expect(200);
    const upstream = harness.emulator.lastRequest()!;
    expect(upstream.path).toBe(harness.modelPath('gemini-2.5-flash', 'generateContent'));
    expect(upstream.headers['x-ingress-proof']).toBeUndefined();
    expect(upstream.headers['x-goog-api-key']).toBeUndefined();
    expect(upstream.headers.authorization).toBe(`Bearer ${harness.googleAuth!.issued.at(-1)}`);
  });
});

describe('Vertex labels from request headers follow the ingress trust rule', () => {
  let harness: SidecarHarness;
  const secret = 'ingress-proof-label-0123456789';
  beforeAll(async () => {
    harness = await startSidecarHarness({
      backend: 'vertex',
      consumers: { ingressSecret: secret, ingressSecretHeader: 'x-ingress-proof' },
      vertex: { labels: { metadata: [], headers: { 'x-consumer-username': 'consumer', 'x-ingress-proof': 'proof' }, static: { env: 'test' } } },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  const sentLabels = () => (harness.emulator.lastRequest()!.body as { labels?: Record<string, string> }).labels;

  it('labels with the consumer header only when the request proves it came through the ingress', async () => {
    await request(harness.app).post('/v1/chat/completions').set({ ...KONG, 'x-ingress-proof': secret }).send(CHAT).expect(200);
    expect(sentLabels()).toEqual({ env: 'test', consumer: 'team-search' });
    await request(harness.app).post('/v1/chat/completions').set({ 'X-Consumer-Username': 'someone-else' }).send(CHAT).expect(200);
    expect(sentLabels()).toEqual({ env: 'test' });
    await request(harness.app).post('/v1/chat/completions').set({ 'X-Consumer-Username': 'forged', 'x-ingress-proof': 'wrong' }).send(CHAT).expect(200);
    expect(sentLabels()).toEqual({ env: 'test' });
  });

  it('never copies the ingress secret into a label, even when a label rule names its header', async () => {
    await request(harness.app).post('/v1/responses').set({ ...KONG, 'x-ingress-proof': secret }).send({ model: 'gemini-2.5-flash', input: 'x', store: false }).expect(200);
    expect(sentLabels()).toEqual({ env: 'test', consumer: 'team-search' });
    expect(JSON.stringify(harness.emulator.lastRequest()!.body)).not.toContain(secret);
  });
});
