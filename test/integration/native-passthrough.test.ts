import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

const BODY = { contents: [{ role: 'user', parts: [{ text: 'native hello' }] }] };

describe('native Gemini passthrough (/v1beta/models/*)', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  it.each([
    { name: 'x-goog-api-key', set: (test: request.Test) => test.set('x-goog-api-key', 'native-key'), path: '' },
    { name: 'a ?key= query parameter', set: (test: request.Test) => test, path: '?key=native-key' },
    { name: 'a bearer token', set: (test: request.Test) => test.set('Authorization', 'Bearer native-key'), path: '' },
  ])('proxies generateContent with the key from $name moved to x-goog-api-key', async ({ set, path }) => {
    const response = await set(request(harness.app).post(`/v1beta/models/gemini-2.5-flash:generateContent${path}`)).send(BODY).expect(200);
    expect(response.body.candidates[0].content.parts[0].text).toBe('Echo: native hello');
    const upstream = harness.emulator.lastRequest()!;
    expect(upstream.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(upstream.headers['x-goog-api-key']).toBe('native-key');
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.body).toEqual(BODY);
  });

  it('streams SSE through untouched, CRLF framing and all', async () => {
    const response = await request(harness.app)
      .post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
      .set('x-goog-api-key', 'k')
      .send(BODY)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/text\/event-stream/);
    expect(response.text).toMatch(/^data: \{.*\}\r\n\r\n/);
    expect(response.text).not.toContain('[DONE]');
  });

  it('passes Gemini errors through in Google shape and status', async () => {
    const response = await request(harness.app).post('/v1beta/models/not-a-model:generateContent').set('x-goog-api-key', 'k').send(BODY).expect(404);
    expect(response.body.error.status).toBe('NOT_FOUND');
  });

  it('lists models natively', async () => {
    const response = await request(harness.app).get('/v1beta/models').set('x-goog-api-key', 'k').expect(200);
    expect(response.body.models[0].name).toMatch(/^models\//);
  });

  it('answers 401 in Google shape without a key and does not call Gemini', async () => {
    const response = await request(harness.app).post('/v1beta/models/gemini-2.5-flash:generateContent').send(BODY).expect(401);
    expect(response.body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('replaces the caller key with GEMINI_API_KEY when the sidecar has one', async () => {
    const configured = await startSidecarHarness({ gemini: { apiKey: 'sidecar-key' } });
    try {
      await request(configured.app).post('/v1beta/models/gemini-2.5-flash:generateContent?key=caller').send(BODY).expect(200);
      expect(configured.emulator.lastRequest()!.headers['x-goog-api-key']).toBe('sidecar-key');
      expect(configured.emulator.lastRequest()!.path).not.toContain('key=');
    } finally {
      await configured.close();
    }
  });

  it('leaves the OpenAI routes under /v1beta/openai alone', async () => {
    await request(harness.app).get('/v1beta/openai/nope').expect(404);
    expect(harness.emulator.requests).toHaveLength(0);
  });
});
