import { Agent, request } from 'undici';
import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { cassetteReplayHeaders, loadCassette, loadRecordedChunks, loadRecordedJson } from '../../helpers/recorded-fixtures';

interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
}
interface Candidate {
  content: { parts?: Part[]; role?: string };
  finishReason?: string;
  index?: number;
  safetyRatings?: Array<{ category: string; blocked?: boolean }>;
}
/** The union of Gemini bodies these tests read. */
interface Json {
  candidates?: Candidate[];
  promptFeedback?: { blockReason: string; safetyRatings: unknown[] };
  usageMetadata?: Record<string, unknown>;
  modelVersion?: string;
  responseId?: string;
  error?: { code: number; message: string; status: string; details?: unknown[] };
  models?: Array<{ name: string }>;
  nextPageToken?: string;
  name?: string;
}

const KEY = { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' };
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';

let emulator: GeminiEmulator;
const agent = new Agent();

function userBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { contents: [{ role: 'user', parts: [{ text }] }], ...extra };
}

async function call(path: string, options: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  const response = await request(`${emulator.url}${path}`, {
    method: (options.method ?? (options.body === undefined ? 'GET' : 'POST')) as 'GET' | 'POST',
    headers: options.headers ?? KEY,
    body: typeof options.body === 'string' || options.body === undefined ? options.body : JSON.stringify(options.body),
    dispatcher: agent,
    signal: options.signal,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

async function callJson(path: string, options: Parameters<typeof call>[1] = {}) {
  const response = await call(path, options);
  return { ...response, json: JSON.parse(response.text) as Json };
}

function sseEvents(text: string): Json[] {
  return text
    .split('\r\n\r\n')
    .filter((event) => event !== '')
    .map((event) => JSON.parse(event.replace(/^data: /, '')) as Json);
}

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(async () => {
  await emulator.close();
  await agent.close();
});

describe('default generateContent', () => {
  it('answers an echo in Google pretty JSON with Google field order and headers', async () => {
    const response = await callJson(GENERATE, { body: userBody('Hello there') });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(response.text).toBe(`${JSON.stringify(response.json, null, 2)}\n`);
    expect(Object.keys(response.json)).toEqual(['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
    expect(response.json.candidates).toEqual([
      { content: { parts: [{ text: 'Echo: Hello there' }], role: 'model' }, finishReason: 'STOP', index: 0 },
    ]);
    expect(response.json.usageMetadata).toEqual({
      promptTokenCount: 3,
      candidatesTokenCount: 5,
      totalTokenCount: 8,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 3 }],
    });
    expect(response.json.modelVersion).toBe('gemini-2.5-flash');
    expect(response.json.responseId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it.each([
    {
      name: '[block] answers a prompt block with no candidates',
      text: 'please [block]',
      check: (json: Json) => {
        expect(json.candidates).toBeUndefined();
        expect(json.promptFeedback?.blockReason).toBe('SAFETY');
        expect(json.promptFeedback?.safetyRatings.length).toBeGreaterThan(0);
        expect(json.usageMetadata?.candidatesTokenCount).toBeUndefined();
      },
    },
    {
      name: '[safety] answers finishReason SAFETY with empty content',
      text: 'please [safety]',
      check: (json: Json) => {
        expect(json.candidates?.[0]).toMatchObject({ content: {}, finishReason: 'SAFETY', index: 0 });
        expect(json.candidates?.[0]?.safetyRatings).toContainEqual(expect.objectContaining({ blocked: true }));
      },
    },
    {
      name: '[max] answers MAX_TOKENS without parts and with thoughtsTokenCount',
      text: 'please [max]',
      check: (json: Json) => {
        expect(json.candidates?.[0]).toEqual({ content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 });
        expect(json.usageMetadata?.thoughtsTokenCount).toBe(64);
      },
    },
    {
      name: '[think] adds a thought part and thoughtsTokenCount 7',
      text: 'please [think]',
      check: (json: Json) => {
        expect(json.candidates?.[0]?.content.parts).toEqual([
          { text: 'Thinking about it', thought: true },
          { text: 'Echo: please [think]' },
        ]);
        expect(json.usageMetadata?.thoughtsTokenCount).toBe(7);
        expect(json.usageMetadata?.totalTokenCount).toBe(4 + 5 + 7);
      },
    },
  ])('$name', async ({ text, check }) => {
    const response = await callJson(GENERATE, { body: userBody(text) });
    expect(response.status).toBe(200);
    check(response.json);
  });

  it('honours candidateCount with indexed candidates', async () => {
    const response = await callJson(GENERATE, { body: userBody('hi', { generationConfig: { candidateCount: 2 } }) });
    expect(response.json.candidates?.map((candidate) => [candidate.index, candidate.content.parts?.[0]?.text])).toEqual([
      [0, 'Echo: hi'],
      [1, 'Echo: hi (candidate 1)'],
    ]);
  });

  it('counts system instruction text in promptTokenCount', async () => {
    const body = userBody('12345678', { systemInstruction: { parts: [{ text: '1234' }] } });
    const response = await callJson(GENERATE, { body });
    expect(response.json.usageMetadata?.promptTokenCount).toBe(3);
  });
});

describe('default streamGenerateContent', () => {
  it('frames events with CRLF CRLF, no [DONE], cumulative usage and STOP on the last chunk', async () => {
    const response = await call(STREAM, { body: userBody('one two three four five') });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['content-disposition']).toBe('attachment');
    expect(response.text.endsWith('\r\n\r\n')).toBe(true);
    expect(response.text).not.toContain('[DONE]');
    expect(response.text).not.toMatch(/^event:/m);
    expect(response.text.replaceAll('\r\n\r\n', '')).not.toMatch(/\n/);
    expect(response.text.startsWith('data: {"candidates": [{"content": {"parts": [{"text": ')).toBe(true);

    const chunks = sseEvents(response.text);
    expect(chunks).toHaveLength(3);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content.parts?.[0]?.text).join('')).toBe('Echo: one two three four five');
    const counts = chunks.map((chunk) => chunk.usageMetadata?.candidatesTokenCount as number);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(Math.ceil('Echo: one two three four five'.length / 4));
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.modelVersion === 'gemini-2.5-flash' && chunk.candidates?.[0]?.index === 0)).toBe(true);
  });

  it('sends Gemini 3 STOP in a separate empty-text chunk with a thoughtSignature', async () => {
    const response = await call('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse', {
      body: userBody('hello world'),
    });
    const chunks = sseEvents(response.text);
    const last = chunks.at(-1) as Json;

    expect(last.candidates?.[0]?.content.parts).toEqual([{ text: '', thoughtSignature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) }]);
    expect(last.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(true);
  });

  it('answers a JSON array when alt=sse is missing', async () => {
    const response = await callJson('/v1beta/models/gemini-2.5-flash:streamGenerateContent', { body: userBody('a b') });
    expect(response.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(Array.isArray(response.json)).toBe(true);
  });
});

describe('default errors', () => {
  it.each([
    { name: 'missing API key → 403 PERMISSION_DENIED', path: GENERATE, headers: { 'content-type': 'application/json' }, body: userBody('x'), status: 403, grpc: 'PERMISSION_DENIED', message: /unregistered callers/ },
    { name: 'invalid API key → 400 API_KEY_INVALID', path: GENERATE, headers: { ...KEY, 'x-goog-api-key': 'invalid-key' }, body: userBody('x'), status: 400, grpc: 'INVALID_ARGUMENT', message: /API key not valid/ },
    { name: 'unknown model → 404 NOT_FOUND', path: '/v1beta/models/gpt-4o:generateContent', body: userBody('x'), status: 404, grpc: 'NOT_FOUND', message: /^models\/gpt-4o is not found for API version v1beta, or is not supported for generateContent\. Call ListModels/ },
    { name: 'invalid JSON → 400', path: GENERATE, body: '{"contents": [', status: 400, grpc: 'INVALID_ARGUMENT', message: /Invalid JSON payload received/ },
    { name: 'missing contents → 400', path: GENERATE, body: {}, status: 400, grpc: 'INVALID_ARGUMENT', message: /^\* GenerateContentRequest\.contents: contents is not specified\n$/ },
    { name: 'empty parts → 400', path: GENERATE, body: { contents: [{ role: 'user', parts: [{ text: 'a' }] }, { role: 'model', parts: [] }] }, status: 400, grpc: 'INVALID_ARGUMENT', message: /^\* GenerateContentRequest\.contents\[1\]\.parts: contents\.parts must not be empty\.\n$/ },
    { name: 'invalid role → 400', path: GENERATE, body: { contents: [{ role: 'assistant', parts: [{ text: 'a' }] }] }, status: 400, grpc: 'INVALID_ARGUMENT', message: /^Please use a valid role: user, model\.$/ },
    { name: 'empty text part → 400', path: GENERATE, body: userBody(''), status: 400, grpc: 'INVALID_ARGUMENT', message: /empty text parameter/ },
    { name: 'unknown top-level field → 400', path: GENERATE, body: userBody('a', { labels: { a: 'b' } }), status: 400, grpc: 'INVALID_ARGUMENT', message: /^Invalid JSON payload received\. Unknown name "labels": Cannot find field\.$/ },
    { name: 'six stop sequences → 400', path: GENERATE, body: userBody('a', { generationConfig: { stopSequences: ['1', '2', '3', '4', '5', '6'] } }), status: 400, grpc: 'INVALID_ARGUMENT', message: /stop_sequences/ },
    { name: 'candidateCount 9 → 400', path: GENERATE, body: userBody('a', { generationConfig: { candidateCount: 9 } }), status: 400, grpc: 'INVALID_ARGUMENT', message: /candidateCount/ },
    { name: 'unknown path → 404', path: '/v1beta/files', body: {}, status: 404, grpc: 'NOT_FOUND', message: /Method not found/ },
  ])('$name', async ({ path, headers, body, status, grpc, message }) => {
    const response = await callJson(path, { body, headers });
    expect(response.status).toBe(status);
    expect(response.json.error).toMatchObject({ code: status, status: grpc });
    expect(response.json.error?.message).toMatch(message);
  });

  it('accepts snake_case request fields as Google does', async () => {
    const body = { contents: [{ parts: [{ text: 'hi' }] }], system_instruction: { parts: [{ text: 'sys' }] }, generation_config: {} };
    expect((await call(GENERATE, { body })).status).toBe(200);
  });

  it('still answers a ?key= request but records it so tests can assert it never happens', async () => {
    const response = await call(`${GENERATE}?key=leaked`, { body: userBody('x'), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(emulator.lastRequest()?.path).toContain('?key=leaked');
  });
});

describe('models endpoints', () => {
  it('lists models with pageSize/pageToken pagination', async () => {
    const first = await callJson('/v1beta/models?pageSize=2');
    expect(first.json.models).toHaveLength(2);
    expect(first.json.models?.[0]).toMatchObject({ name: 'models/gemini-2.5-flash', supportedGenerationMethods: expect.arrayContaining(['generateContent']) });
    const second = await callJson(`/v1beta/models?pageSize=2&pageToken=${first.json.nextPageToken}`);
    expect(second.json.models?.[0]?.name).not.toBe(first.json.models?.[0]?.name);
    const all = await callJson('/v1beta/models');
    expect(all.json.nextPageToken).toBeUndefined();
  });

  it('gets one model or answers 404', async () => {
    expect((await callJson('/v1beta/models/gemini-2.5-pro')).json.name).toBe('models/gemini-2.5-pro');
    expect((await call('/v1beta/models/gemini-0-nope')).status).toBe(404);
    expect(emulator.requests.map((recorded) => recorded.method)).toEqual(['GET', 'GET']);
  });
});

describe('scripts', () => {
  it('consumes scripts FIFO, then the default behaviour resumes', async () => {
    const quota = loadRecordedJson('vercel-ai/google-429-retry-info.json');
    emulator.enqueue({ kind: 'json', status: 429, body: quota }, { kind: 'json', body: { scripted: 2 }, headers: { 'x-test': 'yes' } });

    const first = await callJson(GENERATE, { body: userBody('a') });
    const second = await callJson(GENERATE, { body: userBody('b') });
    const third = await callJson(GENERATE, { body: userBody('c') });

    expect(first.status).toBe(429);
    expect(first.json.error?.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' });
    expect([second.json, second.headers['x-test']]).toEqual([{ scripted: 2 }, 'yes']);
    expect(third.json.candidates?.[0]?.content.parts?.[0]?.text).toBe('Echo: c');
  });

  it('does not spend scripts on GET /v1beta/models', async () => {
    emulator.enqueue({ kind: 'json', body: { scripted: true } });
    await call('/v1beta/models');
    expect((await callJson(GENERATE, { body: userBody('a') })).json).toEqual({ scripted: true });
  });

  it('writes sse chunks Google-style, strings verbatim, LF framing and a raw trailer', async () => {
    emulator.enqueue({ kind: 'sse', chunks: [{ a: [1, { b: 'c' }] }, '{"raw":true}'], framing: 'lf', trailer: '{"error":{"code":500}}' });
    const response = await call(STREAM, { body: userBody('a') });
    expect(response.text).toBe('data: {"a": [1,{"b": "c"}]}\n\ndata: {"raw":true}\n\n{"error":{"code":500}}');
  });

  it('sse cutAfter ends the connection abruptly so the client sees an error', async () => {
    emulator.enqueue({ kind: 'sse', chunks: [{ n: 1 }, { n: 2 }, { n: 3 }], cutAfter: 1 });
    const response = await request(`${emulator.url}${STREAM}`, { method: 'POST', headers: KEY, body: '{}', dispatcher: agent });
    const received: string[] = [];
    const drain = async (): Promise<void> => {
      for await (const chunk of response.body) received.push(String(chunk));
    };

    expect(response.statusCode).toBe(200);
    await expect(drain()).rejects.toThrow(/other side closed|terminated/);
    expect(received.join('')).toBe('data: {"n": 1}\r\n\r\n');
  });

  it('raw splitAt delivers the bytes unchanged, even when split inside a UTF-8 character', async () => {
    const body = Buffer.from('data: {"text": "héllo"}\r\n\r\ndata: {"text": "wörld"}\r\n\r\n');
    emulator.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body, splitAt: [3, 19, 27, 45] });
    const response = await request(`${emulator.url}${STREAM}`, { method: 'POST', headers: KEY, body: '{}', dispatcher: agent });
    expect(Buffer.from(await response.body.arrayBuffer()).equals(body)).toBe(true);
  });

  it('reset destroys the socket before any header', async () => {
    emulator.enqueue({ kind: 'reset' });
    await expect(call(GENERATE, { body: userBody('a') })).rejects.toThrow(/other side closed|socket hang up|ECONNRESET/);
  });

  it('hang never answers; the client times out', async () => {
    emulator.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 100);
    await expect(call(GENERATE, { body: userBody('a'), signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    clearTimeout(timer);
    expect(emulator.requests).toHaveLength(1);
  });

  it('close() ends hung requests', async () => {
    const other = await GeminiEmulator.start();
    other.enqueue({ kind: 'hang' }, { kind: 'sse', chunks: [{ n: 1 }, { n: 2 }], intervalMs: 60_000 });
    const hung = request(`${other.url}${GENERATE}`, { method: 'POST', headers: KEY, body: '{}', dispatcher: agent });
    const slow = request(`${other.url}${STREAM}`, { method: 'POST', headers: KEY, body: '{}', dispatcher: agent }).then((response) => response.body.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    await expect(hung).rejects.toThrow();
    await expect(slow).rejects.toThrow();
  });
});

describe('recording', () => {
  it('records method, path, lower-cased headers, parsed and raw body', async () => {
    const body = userBody('record me');
    await call(STREAM, { body });
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.lastRequest()).toMatchObject({ method: 'POST', path: STREAM, body, rawBody: JSON.stringify(body) });
    expect(emulator.lastRequest()?.headers['x-goog-api-key']).toBe('test-key');
  });

  it('records an unparseable body as undefined', async () => {
    await call(GENERATE, { body: 'not json' });
    expect(emulator.lastRequest()).toMatchObject({ body: undefined, rawBody: 'not json' });
  });
});

describe('recorded fixtures', () => {
  it('replays the pydantic-ai stream cassette byte for byte through a raw script', async () => {
    const [interaction] = loadCassette('pydantic-ai/test_google_model_stream.yaml');
    if (!interaction) throw new Error('cassette has no interaction');
    expect(interaction.request.uri).toMatch(/:streamGenerateContent\?alt=sse$/);
    expect(interaction.response.body.endsWith('\r\n\r\n')).toBe(true);
    emulator.enqueue({ kind: 'raw', status: interaction.response.status, headers: cassetteReplayHeaders(interaction), body: interaction.response.body, splitAt: [10, 100] });

    const response = await call(STREAM, { body: interaction.request.body });

    expect(response.text).toBe(interaction.response.body);
    expect(response.headers['content-disposition']).toBe('attachment');
    expect(sseEvents(response.text)[0]?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('loads .chunks.txt files, including the one that keeps the data: prefix', () => {
    expect(loadRecordedChunks('vercel-ai/google-text.chunks.txt')).toHaveLength(3);
    expect(loadRecordedChunks('vercel-ai/google-usage-raw-live.chunks.txt')).toEqual([expect.objectContaining({ usageMetadata: expect.any(Object) })]);
  });

  it('rebuilds unary cassette bodies as pretty JSON', () => {
    const [interaction] = loadCassette('pydantic-ai/test_google_model_safety_settings.yaml');
    expect(JSON.parse(interaction?.response.body ?? '')).toMatchObject({ candidates: [{ finishReason: 'SAFETY', content: {} }] });
  });
});
