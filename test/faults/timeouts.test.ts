import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { chatBody, geminiTextChunks, listenHarness, pieces, readStream, RETRIES, until } from './fault-helpers';

const CALLER_KEY = 'caller-gemini-key';

// undici runs headersTimeout / bodyTimeout on coarse timers (about 1 s resolution), so the first-byte and idle cases
// use 1 s budgets and allow up to one more second; the total timeout is an exact AbortSignal.timeout.
describe('first-byte and idle timeouts', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ gemini: { retry: RETRIES, firstByteTimeoutMs: 1_000, idleTimeoutMs: 1_000, totalTimeoutMs: 10_000 } });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  const post = (body: Record<string, unknown>) =>
    request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${CALLER_KEY}`).send(body);

  it('ends a stream whose chunks come slower than idleTimeoutMs with an upstream_timeout error frame', async () => {
    harness.emulator.enqueue({ kind: 'sse', chunks: geminiTextChunks(pieces('slow', 3)), intervalMs: 4_000 });
    const started = performance.now();
    const stream = readStream((await post(chatBody('slow', true)).expect(200)).text);
    expect(performance.now() - started).toBeLessThan(1_000 + 1_500);
    expect(stream).toMatchObject({ content: 'slow-0 ', finishReasons: [], done: false, errorIsLast: true });
    expect(stream.error).toMatchObject({ type: 'api_error', code: 'upstream_timeout' });
    expect(stream.error!.message).toContain('sent nothing for 1000 ms');
    expect(harness.emulator.requests).toHaveLength(1);
  });

  it('answers hung upstreams (unary and stream) with 504 after the first-byte timeout, not retried', async () => {
    harness.emulator.enqueue({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const started = performance.now();
    const responses = await Promise.all([post(chatBody('hang')), post(chatBody('hang', true))]);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1_000 + 1_500);
    for (const response of responses) {
      expect(response.status).toBe(504);
      expect(response.body.error).toMatchObject({ type: 'api_error', code: 'upstream_timeout' });
      expect(response.body.error.message).toContain('did not answer within 1000 ms');
    }
    expect(harness.emulator.requests).toHaveLength(2);
  });
});

describe('total timeout', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness({ gemini: { retry: RETRIES, idleTimeoutMs: 2_000, totalTimeoutMs: 500 } });
  });
  afterAll(() => harness.close());

  it('bounds a slow-but-not-idle stream (a chunk every 100 ms) by totalTimeoutMs (500 ms) with an error frame', async () => {
    harness.emulator.enqueue({ kind: 'sse', chunks: geminiTextChunks(pieces('steady', 20)), intervalMs: 100 });
    const started = performance.now();
    const response = await request(harness.app).post('/v1/chat/completions').set('Authorization', `Bearer ${CALLER_KEY}`).send(chatBody('steady', true));
    const elapsed = performance.now() - started;
    const stream = readStream(response.text);
    expect(response.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1_500);
    expect(stream.content).toMatch(/^steady-0 steady-1 /);
    expect(stream.content).not.toContain('steady-19');
    expect(stream).toMatchObject({ finishReasons: [], done: false, errorIsLast: true });
    expect(stream.error).toMatchObject({ type: 'api_error', code: 'upstream_timeout' });
    expect(stream.error!.message).toContain('total timeout of 500 ms');
    expect(harness.emulator.requests).toHaveLength(1);
  });
});

describe('client abort mid-stream', () => {
  it('closes the upstream connection within 1 s and frees the request slot', async () => {
    let upstreamRequests = 0;
    let closedAt: number | undefined;
    const upstream = createServer((req: IncomingMessage, res) => {
      upstreamRequests++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(geminiTextChunks(['first ', 'never'])[0])}\r\n\r\n`);
      req.socket.on('close', () => (closedAt = performance.now()));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const harness = await startSidecarHarness({
      gemini: { baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, retry: RETRIES },
    });
    const server = await listenHarness(harness);
    try {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('abort me', true)),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('first');
      expect(harness.lifecycle.active).toBe(1);
      const abortedAt = performance.now();
      controller.abort();
      await until(() => closedAt !== undefined, 2_000, 'the upstream socket to close');
      expect(closedAt! - abortedAt).toBeLessThan(1_000);
      await until(() => harness.lifecycle.active === 0, 1_000, 'the request slot to be released');
      expect(upstreamRequests).toBe(1);
    } finally {
      await server.close();
      upstream.closeAllConnections();
      upstream.close();
      await harness.close();
    }
  });
});
