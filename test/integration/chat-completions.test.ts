import request from 'supertest';
import { loadRecordedJson } from '../helpers/recorded-fixtures';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

const SEED_BODY = {
  model: 'gemini-2.5-flash',
  messages: [
    { role: 'system', content: '你是一个助手' },
    { role: 'user', content: '你好' },
  ],
};

describe('POST /v1/chat/completions (non-streaming)', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  it('answers the seed example and sends Gemini the native request with the key in x-goog-api-key only', async () => {
    const response = await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer caller-key-123')
      .send(SEED_BODY)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body).toMatchObject({
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: 你好' }, finish_reason: 'stop', logprobs: null }],
    });
    expect(response.body.id).toMatch(/^chatcmpl-/);
    expect(typeof response.body.created).toBe('number');
    expect(response.body.usage.total_tokens).toBe(response.body.usage.prompt_tokens + response.body.usage.completion_tokens);

    const upstream = harness.emulator.lastRequest()!;
    expect(upstream.method).toBe('POST');
    expect(upstream.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(upstream.headers['x-goog-api-key']).toBe('caller-key-123');
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: '你好' }] }],
      systemInstruction: { parts: [{ text: '你是一个助手' }] },
    });
  });

  it.each([
    ['/v1beta/openai/chat/completions'],
    ['/v1beta/openai/chat/completions/'],
    ['/v1/chat/completions/'],
  ])('serves %s', async (path) => {
    await request(harness.app).post(path).set('Authorization', 'Bearer k').send(SEED_BODY).expect(200);
    expect(harness.emulator.requests).toHaveLength(1);
  });

  it('strips models/ and google/ prefixes but reports the model name the caller sent', async () => {
    const response = await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer k')
      .send({ ...SEED_BODY, model: 'google/gemini-2.5-pro' })
      .expect(200);
    expect(harness.emulator.lastRequest()!.path).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
    expect(response.body.model).toBe('google/gemini-2.5-pro');
  });

  it('passes generation parameters through, falsy values included', async () => {
    await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer k')
      .send({ ...SEED_BODY, temperature: 0, top_p: 0.5, max_tokens: 10, max_completion_tokens: 20, stop: 'END', n: 2, seed: 0, presence_penalty: 0, frequency_penalty: 0.5 })
      .expect(200);
    expect((harness.emulator.lastRequest()!.body as { generationConfig: unknown }).generationConfig).toEqual({
      temperature: 0,
      topP: 0.5,
      maxOutputTokens: 20,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 0,
      presencePenalty: 0,
      frequencyPenalty: 0.5,
    });
  });

  it('returns one choice per candidate when n > 1', async () => {
    const response = await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer k')
      .send({ ...SEED_BODY, n: 3 })
      .expect(200);
    expect(response.body.choices.map((choice: { index: number }) => choice.index)).toEqual([0, 1, 2]);
  });

  it('uses GEMINI_API_KEY for every upstream call when it is configured', async () => {
    const configured = await startSidecarHarness({ gemini: { apiKey: 'sidecar-key' } });
    try {
      await request(configured.app).post('/v1/chat/completions').set('Authorization', 'Bearer caller').send(SEED_BODY).expect(200);
      await request(configured.app).post('/v1/chat/completions').send(SEED_BODY).expect(200);
      expect(configured.emulator.requests.map((upstream) => upstream.headers['x-goog-api-key'])).toEqual(['sidecar-key', 'sidecar-key']);
    } finally {
      await configured.close();
    }
  });

  it('accepts the caller key in x-goog-api-key', async () => {
    await request(harness.app).post('/v1/chat/completions').set('x-goog-api-key', 'google-style').send(SEED_BODY).expect(200);
    expect(harness.emulator.lastRequest()!.headers['x-goog-api-key']).toBe('google-style');
  });

  it('answers 401 without calling Gemini when there is no credential', async () => {
    const response = await request(harness.app).post('/v1/chat/completions').send(SEED_BODY).expect(401);
    expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'missing_api_key', param: null });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('reads a body sent without a JSON content type (curl -d)', async () => {
    await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer k')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(JSON.stringify(SEED_BODY))
      .expect(200);
  });

  it('turns a blocked prompt into HTTP 200 with finish_reason content_filter', async () => {
    const response = await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer k')
      .send({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'please [block] this' }] })
      .expect(200);
    expect(response.body.choices).toEqual([
      expect.objectContaining({ index: 0, message: expect.objectContaining({ content: null }), finish_reason: 'content_filter' }),
    ]);
    expect(response.body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('replays a recorded gemini-3 text answer', async () => {
    const recorded = loadRecordedJson('vercel-ai/google-text.json') as {
      candidates: Array<{ content: { parts: Array<{ text?: string; thought?: boolean }> } }>;
      usageMetadata: { promptTokenCount: number; totalTokenCount: number };
    };
    harness.emulator.enqueue({ kind: 'json', body: recorded });
    const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', 'Bearer k').send(SEED_BODY).expect(200);
    const expectedText = recorded.candidates[0]!.content.parts.filter((part) => !part.thought).map((part) => part.text ?? '').join('');
    expect(response.body.choices[0].message.content).toBe(expectedText);
    expect(response.body.usage.prompt_tokens).toBe(recorded.usageMetadata.promptTokenCount);
    expect(response.body.usage.total_tokens).toBe(recorded.usageMetadata.totalTokenCount);
  });

  it('lists ignored parameters in a response header and does not send them', async () => {
    const response = await request(harness.app)
      .post('/v1/chat/completions')
      .set('Authorization', 'Bearer k')
      .send({ ...SEED_BODY, user: 'u-1', logit_bias: { '50256': -100 }, brand_new_param: true })
      .expect(200);
    expect(response.headers['x-sidecar-ignored-params']).toBe('brand_new_param, user, logit_bias');
    expect(harness.emulator.lastRequest()!.rawBody).not.toMatch(/u-1|logit|brand_new/);
    expect(harness.logs.join('')).toContain('request parameters ignored');
  });
});
