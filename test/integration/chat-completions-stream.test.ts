import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadRecordedChunks } from '../helpers/recorded-fixtures';
import { parseSseEvents, startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';

interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: Array<{ index: number; delta: { role?: string; content?: string | null }; finish_reason: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

const STREAM_BODY = {
  model: 'gemini-2.5-flash',
  stream: true,
  messages: [
    { role: 'system', content: '你是一个助手' },
    { role: 'user', content: '你好 tell me a short story' },
  ],
};

function contentOf(events: unknown[]): string {
  return (events as Chunk[]).flatMap((event) => event.choices.map((choice) => choice.delta.content ?? '')).join('');
}

describe('POST /v1/chat/completions (streaming)', () => {
  let harness: SidecarHarness;
  beforeAll(async () => {
    harness = await startSidecarHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  const post = (body: unknown = STREAM_BODY) =>
    request(harness.app).post('/v1/chat/completions').set('Authorization', 'Bearer k').send(body as object);

  it('streams OpenAI chunks from :streamGenerateContent?alt=sse and ends with [DONE]', async () => {
    const response = await post().expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-accel-buffering']).toBe('no');
    expect(harness.emulator.lastRequest()!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');

    const { events, done } = parseSseEvents(response.text);
    const chunks = events as Chunk[];
    expect(done).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0]!.id)).toBe(true);
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(contentOf(chunks)).toBe('Echo: 你好 tell me a short story');
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
  });

  it('adds one usage chunk with choices [] when stream_options.include_usage is set', async () => {
    const response = await post({ ...STREAM_BODY, stream_options: { include_usage: true } }).expect(200);
    const chunks = parseSseEvents(response.text).events as Chunk[];
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.total_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('replays a recorded gemini-3 stream (split STOP chunk) byte for byte', async () => {
    const recorded = loadRecordedChunks('vercel-ai/google-text.chunks.txt') as Array<{
      candidates: Array<{ content: { parts: Array<{ text?: string }> } }>;
    }>;
    harness.emulator.enqueue({ kind: 'sse', chunks: recorded });
    const chunks = parseSseEvents((await post().expect(200)).text).events as Chunk[];
    const expected = recorded.flatMap((chunk) => chunk.candidates[0]!.content.parts.map((part) => part.text ?? '')).join('');
    expect(contentOf(chunks)).toBe(expected);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.filter((chunk) => chunk.choices[0]!.finish_reason !== null)).toHaveLength(1);
  });

  it.each([
    ['LF framing', { framing: 'lf' as const }],
    ['CRLF framing', { framing: 'crlf' as const }],
  ])('parses %s', async (_name, options) => {
    harness.emulator.enqueue({ kind: 'sse', chunks: loadRecordedChunks('vercel-ai/google-text.chunks.txt'), ...options });
    const { done } = parseSseEvents((await post().expect(200)).text);
    expect(done).toBe(true);
  });

  it('parses events split across reads and several events in one read', async () => {
    const chunks = loadRecordedChunks('vercel-ai/google-text.chunks.txt');
    const body = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join('');
    const splitAt = [3, 7, body.indexOf('\r\n') + 1, body.length - 2];
    harness.emulator.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body, splitAt, intervalMs: 5 });
    const response = await post().expect(200);
    const events = parseSseEvents(response.text);
    expect(events.done).toBe(true);
    expect(contentOf(events.events)).toContain('strawberry');
  });

  it('turns a mid-stream {"error":…} event into an OpenAI error frame with no [DONE] and no fake stop', async () => {
    const [first] = loadRecordedChunks('vercel-ai/google-text.chunks.txt');
    harness.emulator.enqueue({
      kind: 'sse',
      chunks: [first, { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }],
    });
    const { events, done } = parseSseEvents((await post().expect(200)).text);
    expect(done).toBe(false);
    expect(events.at(-1)).toEqual({ error: { message: 'The model is overloaded.', type: 'api_error', param: null, code: 'unavailable' } });
    expect((events.slice(0, -1) as Chunk[]).every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);
  });

  it('turns a bare [{"error":…}] body after the events into an error frame', async () => {
    const [first] = loadRecordedChunks('vercel-ai/google-text.chunks.txt');
    const trailer = JSON.stringify([{ error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }], null, 2);
    harness.emulator.enqueue({ kind: 'sse', chunks: [first], trailer });
    const { events, done } = parseSseEvents((await post().expect(200)).text);
    expect(done).toBe(false);
    expect(events.at(-1)).toMatchObject({ error: { message: 'Internal error encountered.', type: 'api_error' } });
  });

  it('reports a connection cut mid-stream as an error frame', async () => {
    const chunks = loadRecordedChunks('vercel-ai/google-text.chunks.txt');
    harness.emulator.enqueue({ kind: 'sse', chunks, cutAfter: 1 });
    const { events, done } = parseSseEvents((await post().expect(200)).text);
    expect(done).toBe(false);
    expect(events.at(-1)).toMatchObject({ error: { type: 'api_error' } });
    expect((events as Chunk[]).some((event) => event.choices?.[0]?.finish_reason === 'stop')).toBe(false);
  });

  it('reports a stream that ends cleanly without a finishReason as truncated', async () => {
    const chunks = loadRecordedChunks('vercel-ai/google-text.chunks.txt').slice(0, 2);
    harness.emulator.enqueue({ kind: 'sse', chunks });
    const { events, done } = parseSseEvents((await post().expect(200)).text);
    expect(done).toBe(false);
    expect(events.at(-1)).toMatchObject({ error: { code: 'upstream_stream_truncated', type: 'api_error' } });
  });

  it('answers a Gemini error before the stream starts with its HTTP status, not an SSE body', async () => {
    harness.emulator.enqueue({ kind: 'json', status: 400, body: { error: { code: 400, message: 'Bad thing', status: 'INVALID_ARGUMENT' } } });
    const response = await post().expect(400);
    expect(response.body.error).toMatchObject({ message: 'Bad thing', type: 'invalid_request_error' });
  });

  it('streams a blocked prompt as one content_filter chunk, then [DONE]', async () => {
    const response = await post({ ...STREAM_BODY, messages: [{ role: 'user', content: '[block] me' }] }).expect(200);
    const { events, done } = parseSseEvents(response.text);
    expect(done).toBe(true);
    expect((events as Chunk[]).map((chunk) => chunk.choices[0]!.finish_reason)).toEqual(['content_filter']);
  });

  it('gives every choice its own finish_reason when n > 1', async () => {
    const response = await post({ ...STREAM_BODY, n: 2 }).expect(200);
    const chunks = parseSseEvents(response.text).events as Chunk[];
    for (const index of [0, 1]) {
      const mine = chunks.filter((chunk) => chunk.choices[0]!.index === index);
      expect(mine[0]!.choices[0]!.delta.role).toBe('assistant');
      expect(mine.filter((chunk) => chunk.choices[0]!.finish_reason !== null)).toHaveLength(1);
      expect(mine.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    }
  });
});

describe('client disconnect', () => {
  it('aborts the upstream request as soon as the client goes away', async () => {
    let upstreamClosed: (() => void) | undefined;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const upstream = createServer((req: IncomingMessage, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'first' }] } }] })}\r\n\r\n`);
      req.socket.on('close', () => upstreamClosed?.());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const harness = await startSidecarHarness({ gemini: { baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` } });
    const server = harness.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const controller = new AbortController();
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify(STREAM_BODY),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('first');
      const abortedAt = Date.now();
      controller.abort();
      await closed;
      expect(Date.now() - abortedAt).toBeLessThan(1000);
    } finally {
      server.close();
      server.closeAllConnections();
      upstream.closeAllConnections();
      upstream.close();
      await harness.close();
    }
  });
});
