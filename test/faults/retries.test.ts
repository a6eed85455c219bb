import request from 'supertest';
import { googleError, invalidApiKeyError, quotaExceededError } from '../emulator/google-error';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { chatBody, geminiTextChunks, pieces, readStream, recordArrivalTimes, RETRIES } from './fault-helpers';

const CALLER_KEY = 'caller-gemini-key';

describe('retries before the first byte', () => {
  let harness: SidecarHarness;
  let arrivals: number[];
  beforeAll(async () => {
    harness = await startSidecarHarness({ gemini: { retry: RETRIES } });
    arrivals = recordArrivalTimes(harness.emulator);
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.emulator.reset();
    arrivals.length = 0;
  });

  const post = (body: Record<string, unknown>) =>
    request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${CALLER_KEY}`).send(body);

  it('retries a 429 and answers once, after two upstream requests with the same caller key', async () => {
    harness.emulator.enqueue({ kind: 'json', ...googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted.') });
    const response = await post(chatBody('retry me')).expect(200);
    expect(response.body.choices).toHaveLength(1);
    expect(response.body.choices[0].message.content).toBe('Echo: retry me');
    expect(harness.emulator.requests).toHaveLength(2);
    expect(harness.emulator.requests.map((upstream) => upstream.headers['x-goog-api-key'])).toEqual([CALLER_KEY, CALLER_KEY]);
    expect(harness.emulator.requests[1]!.rawBody).toBe(harness.emulator.requests[0]!.rawBody);
  });

  it('waits out the RetryInfo delay (0.2s) before the second attempt', async () => {
    harness.emulator.enqueue({ kind: 'json', ...quotaExceededError('0.2s') });
    await post(chatBody('wait for me')).expect(200);
    expect(harness.emulator.requests).toHaveLength(2);
    const gap = arrivals[1]! - arrivals[0]!;
    // Behaviour, not performance: at least what Google asked for, and not an unbounded wait.
    expect(gap).toBeGreaterThanOrEqual(190);
    expect(gap).toBeLessThan(2_500);
  });

  it('retries a 429 on a stream before it opens: one complete stream, two upstream requests', async () => {
    harness.emulator.enqueue(
      { kind: 'json', ...googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted.') },
      { kind: 'sse', chunks: geminiTextChunks(pieces('s', 4)) },
    );
    const stream = readStream((await post(chatBody('stream', true)).expect(200)).text);
    expect(stream).toMatchObject({ content: 's-0 s-1 s-2 s-3 ', finishReasons: ['stop'], error: undefined, done: true });
    expect(harness.emulator.requests).toHaveLength(2);
  });

  it('answers 429 with Retry-After at once when RetryInfo asks for longer than maxRetryWaitMs', async () => {
    harness.emulator.enqueue({ kind: 'json', ...quotaExceededError('34.4s') });
    const started = performance.now();
    const response = await post(chatBody('quota')).expect(429);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(response.headers['retry-after']).toBe('35');
    expect(response.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(harness.emulator.requests).toHaveLength(1);
  });

  it.each([
    { name: 'unary', stream: false },
    { name: 'stream', stream: true },
  ])('bounds a 503 storm to maxAttempts upstream requests, then answers 503 ($name)', async ({ stream }) => {
    const unavailable = { kind: 'json' as const, ...googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') };
    harness.emulator.enqueue(unavailable, unavailable, unavailable, unavailable);
    const response = await post(chatBody('storm', stream)).expect(503);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.error).toMatchObject({ type: 'api_error', code: 'unavailable', message: 'The model is overloaded. Please try again later.' });
    expect(harness.emulator.requests).toHaveLength(RETRIES.maxAttempts);
  });

  it.each([
    { name: '400 INVALID_ARGUMENT', reply: googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload.'), status: 400, code: 'invalid_argument' },
    { name: '400 API_KEY_INVALID', reply: invalidApiKeyError(), status: 401, code: 'invalid_api_key' },
    { name: '401 UNAUTHENTICATED', reply: googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'), status: 401, code: 'invalid_api_key' },
    { name: '403 PERMISSION_DENIED', reply: googleError(403, 'PERMISSION_DENIED', 'Permission denied.'), status: 403, code: 'permission_denied' },
    { name: '404 NOT_FOUND', reply: googleError(404, 'NOT_FOUND', 'models/x is not found.'), status: 404, code: 'model_not_found' },
  ])('never retries $name: exactly one upstream request', async ({ reply, status, code }) => {
    // A retry would meet the success queued behind the error and turn the answer into a 200.
    harness.emulator.enqueue({ kind: 'json', ...reply }, { kind: 'sse', chunks: geminiTextChunks(['never sent']) });
    const response = await post(chatBody('no retry')).expect(status);
    expect(response.body.error.code).toBe(code);
    expect(harness.emulator.requests).toHaveLength(1);
  });

  it('retries a connection reset before the headers: one answer, two upstream requests', async () => {
    harness.emulator.enqueue({ kind: 'reset' });
    const response = await post(chatBody('after reset')).expect(200);
    expect(response.body.choices[0].message.content).toBe('Echo: after reset');
    expect(harness.emulator.requests).toHaveLength(2);
  });

  it('retries a connection reset before a stream opens: one complete stream', async () => {
    harness.emulator.enqueue({ kind: 'reset' }, { kind: 'sse', chunks: geminiTextChunks(pieces('r', 3)) });
    const stream = readStream((await post(chatBody('after reset', true)).expect(200)).text);
    expect(stream).toMatchObject({ content: 'r-0 r-1 r-2 ', finishReasons: ['stop'], done: true });
    expect(harness.emulator.requests).toHaveLength(2);
  });

  it('never retries a stream cut after it started: error frame, no stop, no [DONE], one upstream request', async () => {
    harness.emulator.enqueue(
      { kind: 'sse', chunks: geminiTextChunks(pieces('cut', 4)), cutAfter: 2 },
      { kind: 'sse', chunks: geminiTextChunks(['replayed answer']) },
    );
    const response = await post(chatBody('cut', true)).expect(200);
    const stream = readStream(response.text);
    expect(stream.content).toBe('cut-0 cut-1 ');
    expect(stream.finishReasons).toEqual([]);
    expect(stream.done).toBe(false);
    expect(stream.errorIsLast).toBe(true);
    expect(stream.error).toMatchObject({ type: 'api_error' });
    expect(response.text).not.toContain('replayed answer');
    expect(harness.emulator.requests).toHaveLength(1);
  });
});
