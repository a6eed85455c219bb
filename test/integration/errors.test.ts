import { createServer } from 'node:net';
import request from 'supertest';
import { loadRecordedJson } from '../helpers/recorded-fixtures';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

const BODY = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] };
const SECRET = 'AIzaSy-secret-key-0123456789';

function expectOpenAIError(body: { error?: Record<string, unknown> }): void {
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error?.message).toBe('string');
  expect(typeof body.error?.type).toBe('string');
  for (const key of ['param', 'code']) expect(body.error?.[key] === null || typeof body.error?.[key] === 'string').toBe(true);
}

describe('errors', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ server: { bodyLimitBytes: 2048 } });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  const post = (body: unknown, path = '/v1/chat/completions') =>
    request(harness.app).post(path).set('Authorization', `Bearer ${SECRET}`).set('Content-Type', 'application/json').send(body as object);

  describe('bad requests never reach Gemini', () => {
    it.each([
      { name: 'invalid JSON', body: '{"model": ', status: 400, param: null, code: 'invalid_json' },
      { name: 'missing model', body: { messages: BODY.messages }, status: 400, param: 'model', code: 'missing_required_parameter' },
      { name: 'missing messages', body: { model: 'gemini-2.5-flash' }, status: 400, param: 'messages', code: 'missing_required_parameter' },
      { name: 'empty messages', body: { ...BODY, messages: [] }, status: 400, param: 'messages', code: 'invalid_value' },
      { name: 'unknown role', body: { ...BODY, messages: [{ role: 'robot', content: 'x' }] }, status: 400, param: 'messages[0].role', code: 'invalid_value' },
      { name: 'wrong type', body: { ...BODY, temperature: 'hot' }, status: 400, param: 'temperature', code: 'invalid_value' },
      { name: 'too many stops', body: { ...BODY, stop: ['a', 'b', 'c', 'd', 'e', 'f'] }, status: 400, param: 'stop', code: null },
      { name: 'audio output', body: { ...BODY, audio: { voice: 'alloy', format: 'mp3' } }, status: 400, param: 'audio', code: 'unsupported_parameter' },
      { name: 'array body', body: [BODY], status: 400, param: null, code: 'invalid_body' },
      { name: 'body over the limit', body: { ...BODY, messages: [{ role: 'user', content: 'x'.repeat(4096) }] }, status: 413, param: null, code: 'request_too_large' },
    ])('$name → $status', async ({ body, status, param, code }) => {
      const response = await post(body).expect(status);
      expectOpenAIError(response.body);
      expect(response.body.error.param).toBe(param);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.type).toBe('invalid_request_error');
      expect(harness.emulator.requests).toHaveLength(0);
    });
  });

  it('answers unknown routes with an OpenAI-shaped 404', async () => {
    const response = await request(harness.app).get('/v1/nope').expect(404);
    expectOpenAIError(response.body);
    expect(response.body.error.code).toBe('unknown_url');
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await request(harness.app).get('/v1beta/openai/chat/completions').expect(405);
    expectOpenAIError(response.body);
    expect(response.headers.allow).toBe('POST');
  });

  it.each([
    { name: '400 INVALID_ARGUMENT', status: 400, googleStatus: 'INVALID_ARGUMENT', type: 'invalid_request_error', code: 'invalid_argument' },
    { name: '403 PERMISSION_DENIED', status: 403, googleStatus: 'PERMISSION_DENIED', type: 'permission_error', code: 'permission_denied' },
    { name: '404 NOT_FOUND', status: 404, googleStatus: 'NOT_FOUND', type: 'invalid_request_error', code: 'model_not_found' },
    { name: '500 INTERNAL', status: 500, googleStatus: 'INTERNAL', type: 'api_error', code: 'internal' },
    { name: '503 UNAVAILABLE', status: 503, googleStatus: 'UNAVAILABLE', type: 'api_error', code: 'unavailable' },
    { name: '504 DEADLINE_EXCEEDED', status: 504, googleStatus: 'DEADLINE_EXCEEDED', type: 'api_error', code: 'deadline_exceeded' },
  ])('maps Gemini $name to the same status, keeping its message', async ({ status, googleStatus, type, code }) => {
    const message = `Gemini says ${googleStatus}`;
    harness.emulator.enqueue({ kind: 'json', status, body: { error: { code: status, message, status: googleStatus } } });
    const response = await post(BODY).expect(status);
    expect(response.body.error).toMatchObject({ message, type, code });
  });

  it('maps the recorded 429 with RetryInfo to rate_limit_error and Retry-After', async () => {
    const recorded = loadRecordedJson('vercel-ai/google-429-retry-info.json') as { error: { message: string } };
    harness.emulator.enqueue({ kind: 'json', status: 429, body: recorded });
    const response = await post(BODY).expect(429);
    expect(response.headers['retry-after']).toBe('35');
    expect(response.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', message: recorded.error.message });
  });

  it('maps an unknown model (real emulator 404) to model_not_found', async () => {
    const response = await post({ ...BODY, model: 'gpt-4o' }).expect(404);
    expect(response.body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('maps an invalid Gemini key to 401 invalid_api_key without echoing the key', async () => {
    const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', 'Bearer invalid-key').send(BODY).expect(401);
    expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
  });

  it('never leaks the key into an error message or a log line', async () => {
    harness.emulator.enqueue({ kind: 'json', status: 400, body: { error: { code: 400, message: `bad key ${SECRET} here`, status: 'INVALID_ARGUMENT' } } });
    const response = await post(BODY).expect(400);
    expect(JSON.stringify(response.body)).not.toContain(SECRET);
    await post({ ...BODY, temperature: 'x' }).expect(400);
    expect(harness.logs.join('')).not.toContain(SECRET);
    expect(harness.emulator.requests.every((upstream) => !upstream.path.includes(SECRET) && !upstream.path.includes('key='))).toBe(true);
  });

  it('answers 502 with a non-JSON upstream error body', async () => {
    harness.emulator.enqueue({ kind: 'raw', status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' });
    const response = await post(BODY).expect(502);
    expect(response.body.error.type).toBe('api_error');
  });
});

describe('upstream failures', () => {
  it('answers 502 when Gemini cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const harness = await startSidecarHarness({ gemini: { baseUrl: `http://127.0.0.1:${closedPort}` } });
    try {
      const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', 'Bearer k').send(BODY).expect(502);
      expect(response.body.error).toMatchObject({ type: 'api_error', code: 'upstream_unreachable' });
    } finally {
      await harness.close();
    }
  });

  it('answers 504 when Gemini does not answer in time', async () => {
    const harness = await startSidecarHarness({ gemini: { firstByteTimeoutMs: 200 } });
    harness.emulator.enqueue({ kind: 'hang' });
    try {
      const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', 'Bearer k').send(BODY).expect(504);
      expect(response.body.error).toMatchObject({ type: 'api_error', code: 'upstream_timeout' });
    } finally {
      await harness.close();
    }
  });

  it('ends a stream whose upstream goes silent with an error frame', async () => {
    const harness = await startSidecarHarness({ gemini: { idleTimeoutMs: 200 } });
    harness.emulator.enqueue({
      kind: 'sse',
      chunks: [{ candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] } }] }, { candidates: [] }],
      intervalMs: 2000,
    });
    try {
      const response = await request(harness.app)
        .post('/v1/chat/completions')
        .set('Authorization', 'Bearer k')
        .send({ ...BODY, stream: true })
        .expect(200);
      expect(response.text).toContain('"code":"upstream_timeout"');
      expect(response.text).not.toContain('[DONE]');
    } finally {
      await harness.close();
    }
  });
});
