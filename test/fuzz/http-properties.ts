import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { startSidecarHarness, type SidecarHarness } from '../helpers/sidecar-harness';
import { embeddingsBody, imagesBody } from './embeddings-images-arbitraries';
import { DeepJson, deepJson, toJsonText } from './fuzz-json';
import { InvariantError } from './invariants';
import { chatBody } from './openai-chat-arbitraries';
import { completionsBody, speechBody } from './completions-speech-arbitraries';
import { checkProperty, type FuzzOutcome, type FuzzProperty } from './properties';

/** Small enough that a generated body can cross it; the deep bodies (≤ 12,000 levels, ~60 kB) stay under it. */
const BODY_LIMIT_BYTES = 256 * 1024;
/** Per request: a hang fails the property instead of the whole run. */
const TIMEOUT = { response: 10_000, deadline: 15_000 };
/** Statuses the sidecar answers by itself; anything else must come from Gemini. */
const OWN_STATUSES = new Set([400, 401, 404, 405, 413, 415]);
/** Native Gemini paths, proxied untouched with Google-shaped errors (server/passthrough-proxy.ts). */
const NATIVE_PATH = /^\/(upload\/)?v1beta\/(models|files|cachedContents)(\/|:|$)/;

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head'] as const;
type Method = (typeof METHODS)[number];

/** How a request body is made; kept symbolic so that a counterexample prints small. */
type BodySpec =
  | { kind: 'json'; value: unknown }
  | { kind: 'truncated-json'; value: unknown; keep: number }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'deep'; deep: DeepJson }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'none' };

interface RequestSpec {
  method: Method;
  path: string;
  body: BodySpec;
  contentType: string;
  contentEncoding: string | undefined;
  authorization: string | undefined;
}

function bodySpec(json: fc.Arbitrary<unknown>): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    { weight: 16, arbitrary: json.map((value): BodySpec => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.jsonValue().map((value): BodySpec => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.tuple(json, fc.nat()).map(([value, keep]): BodySpec => ({ kind: 'truncated-json', value, keep })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((text): BodySpec => ({ kind: 'text', text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes): BodySpec => ({ kind: 'bytes', bytes })) },
    { weight: 1, arbitrary: deepJson().map((deep): BodySpec => ({ kind: 'deep', deep })) },
    { weight: 1, arbitrary: fc.integer({ min: BODY_LIMIT_BYTES + 1, max: BODY_LIMIT_BYTES * 2 }).map((bytes): BodySpec => ({ kind: 'oversized', bytes })) },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
  );
}

function payloadOf(body: BodySpec): string | Buffer | undefined {
  switch (body.kind) {
    case 'json':
      return toJsonText(body.value);
    case 'truncated-json': {
      const text = toJsonText(body.value);
      return text.slice(0, body.keep % (text.length + 1));
    }
    case 'text':
      return body.text;
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'deep':
      return body.deep.text();
    case 'oversized':
      return `{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"${'x'.repeat(body.bytes)}"}]}`;
    case 'none':
      return undefined;
  }
}

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/json; charset',
      'x/y',
    ),
  },
);

/** body-parser inflates gzip/deflate/br itself; the bodies are never actually compressed. */
const encoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus') },
);
const authorization = fc.oneof(
  { weight: 12, arbitrary: fc.constant('Bearer fuzz-key') },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'Bearer', 'Basic abc') },
);

function endpointRequest(paths: string[], json: fc.Arbitrary<unknown>): fc.Arbitrary<RequestSpec> {
  return fc.record({
    method: fc.oneof({ weight: 12, arbitrary: fc.constant('post' as const) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    path: fc.constantFrom(...paths),
    body: bodySpec(json),
    contentType,
    contentEncoding: encoding,
    authorization,
  });
}

const segment = fc.oneof(
  fc.constantFrom('v1', 'v1beta', 'openai', 'chat', 'completions', 'models', 'embeddings', 'images', 'generations', 'files'),
  fc.constantFrom('..', '%2e%2e', '%zz', '%E0%A4%A', '%00', ''),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);

const anyPath = fc.oneof(
  fc.constantFrom(
    '/',
    '/v1/models',
    '/v1/models/gemini-2.5-flash',
    '/v1/models/%E0%A4%A',
    '/v1beta/openai/models/x%2Fy',
    '/v1/chat/completions/',
    '/V1/CHAT/COMPLETIONS',
    '/v1//chat/completions',
    '/v1/chat/completions?stream=true',
    '/v1beta/models/gemini-2.5-flash:generateContent',
    '/v1beta/files',
    '/healthz',
    '/metrics',
  ),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
);

const anyRequest: fc.Arbitrary<RequestSpec> = fc.record({
  method: fc.constantFrom(...METHODS),
  path: anyPath,
  body: bodySpec(fc.jsonValue({ maxDepth: 2 })),
  contentType,
  contentEncoding: encoding,
  authorization,
});

interface Answer {
  status: number;
  text: string;
  contentType: string;
}

async function send(server: Server, spec: RequestSpec): Promise<Answer> {
  let test = request(server)[spec.method](spec.path).timeout(TIMEOUT).set('Content-Type', spec.contentType);
  if (spec.contentEncoding !== undefined) test = test.set('Content-Encoding', spec.contentEncoding);
  if (spec.authorization !== undefined) test = test.set('Authorization', spec.authorization);
  const payload = payloadOf(spec.body);
  // Keep the raw text: superagent would otherwise parse (and choke on) whatever comes back.
  const response = await (payload === undefined ? test : test.send(payload)).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
  });
  const text = typeof response.body === 'string' ? response.body : '';
  return { status: response.status, text, contentType: String(response.headers['content-type'] ?? '') };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isOpenAIError(body: unknown): boolean {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (error === null || typeof error !== 'object' || Object.keys(body as object).length !== 1) return false;
  const nullableString = (value: unknown) => value === null || typeof value === 'string';
  return (
    Object.keys(error).sort().join() === 'code,message,param,type' &&
    typeof error.message === 'string' &&
    error.message.length > 0 &&
    typeof error.type === 'string' &&
    nullableString(error.param) &&
    nullableString(error.code)
  );
}

/** Every `data:` frame of an SSE answer; an error frame must not be the sidecar's own crash. */
function checkSseFrames(text: string): void {
  for (const frame of text.split('\n\n')) {
    if (!frame.startsWith('data: {')) continue;
    const event = parseJson(frame.slice(6)) as { error?: { code?: unknown } } | undefined;
    if (event?.error?.code === 'internal_error') throw new InvariantError(`stream failed with internal_error: ${frame.slice(0, 300)}`);
  }
}

/** The status and body rules; `reachedGemini` says whether the emulator saw a request for this call. */
function checkAnswer(spec: RequestSpec, answer: Answer, reachedGemini: boolean): void {
  const summary = `${spec.method.toUpperCase()} ${spec.path} → ${answer.status} ${answer.text.slice(0, 300)}`;
  if (NATIVE_PATH.test(spec.path.split('?')[0] ?? '')) {
    // Proxied untouched: whatever Gemini says, but never the sidecar's own crash.
    if (answer.status === 500 && !reachedGemini) throw new InvariantError(`native path failed in the sidecar: ${summary}`);
    return;
  }
  if (answer.status >= 200 && answer.status < 300) {
    if (answer.contentType.startsWith('text/event-stream')) checkSseFrames(answer.text);
    return;
  }
  if (answer.status < 400 || answer.status > 599) throw new InvariantError(`unexpected status: ${summary}`);
  const body = parseJson(answer.text);
  if (spec.method !== 'head' && !isOpenAIError(body)) throw new InvariantError(`not an OpenAI error body: ${summary}`);
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (code === 'internal_error') throw new InvariantError(`the sidecar crashed: ${summary}`);
  if (!OWN_STATUSES.has(answer.status) && !reachedGemini) throw new InvariantError(`status not from Gemini: ${summary}`);
}

/** One listening server for the whole run, instead of supertest's server per request. */
function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

/** After the run, the plain request still gets its answer. */
async function checkStillServing(server: Server): Promise<string | null> {
  const response = await request(server)
    .post('/v1/chat/completions')
    .timeout(TIMEOUT)
    .set('Authorization', 'Bearer fuzz-key')
    .send({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] });
  return response.status === 200 && response.body?.object === 'chat.completion' ? null : `a normal request then got ${response.status}: ${response.text}`;
}

function httpProperty(name: string, arbitrary: fc.Arbitrary<RequestSpec>, mustAccept = true): FuzzProperty {
  return {
    name,
    kind: 'http',
    mustAccept,
    async run(numRuns): Promise<FuzzOutcome> {
      // pass-through: image URLs in generated bodies must never make the sidecar fetch from the network.
      const harness: SidecarHarness = await startSidecarHarness({
        server: { bodyLimitBytes: BODY_LIMIT_BYTES },
        media: { remoteUrls: 'pass-through' },
      });
      const server = createServer(harness.app);
      await listen(server);
      try {
        let accepted = 0;
        const property = fc.asyncProperty(arbitrary, async (spec) => {
          harness.emulator.reset();
          harness.logs.length = 0;
          const answer = await send(server, spec);
          const reachedGemini = harness.emulator.requests.length > 0;
          checkAnswer(spec, answer, reachedGemini);
          if (reachedGemini || answer.status < 300) accepted++;
        });
        const outcome = await checkProperty(name, property, numRuns, () => accepted);
        const stuck = await checkStillServing(server);
        return stuck === null ? outcome : { ...outcome, failed: true, report: [outcome.report, stuck].filter(Boolean).join('\n') };
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await harness.close();
      }
    },
  };
}

/** Mostly tidy bodies, so that enough requests get through to Gemini and back. */
function tidyOrWild(body: (wild: boolean) => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: body(false) }, { weight: 1, arbitrary: body(true) });
}

const CHAT_PATHS = ['/v1/chat/completions', '/v1beta/openai/chat/completions'];

/** The HTTP surface properties, each against its own in-process sidecar and Gemini emulator. */
export const HTTP_PROPERTIES: FuzzProperty[] = [
  httpProperty('http: /chat/completions', endpointRequest(CHAT_PATHS, tidyOrWild(chatBody))),
  httpProperty('http: /embeddings', endpointRequest(['/v1/embeddings', '/v1beta/openai/embeddings'], tidyOrWild(embeddingsBody))),
  httpProperty('http: /images/generations', endpointRequest(['/v1/images/generations'], tidyOrWild(imagesBody))),
  httpProperty('http: /completions', endpointRequest(['/v1/completions', '/v1beta/openai/completions'], tidyOrWild(completionsBody))),
  httpProperty('http: /audio/speech', endpointRequest(['/v1/audio/speech', '/v1beta/openai/audio/speech'], tidyOrWild(speechBody))),
  // Few random paths exist, so a run may well see no 2xx at all.
  httpProperty('http: any method and path', anyRequest, false),
];
