/**
 * The workloads: what is sent to each arm, how its answer is checked once before measuring, and how it is loaded.
 */
import { isSidecarArm, type Arm } from './arms';
import { exchange, oneStream, type BenchRequest, type StreamMarkers } from './load';
import { CHAT_MODEL, EMBEDDING_DIMENSIONS, EMBEDDING_INPUTS, EMBEDDING_MODEL, REPLY_TEXT, gemini, openai } from './payloads';
import { Pool } from 'undici';

export type WorkloadId = 'chat-c1' | 'chat-c32' | 'responses-c32' | 'stream' | 'responses-stream' | 'embeddings' | 'image' | 'slow-streams';

export const WORKLOAD_IDS: readonly WorkloadId[] = ['chat-c1', 'chat-c32', 'responses-c32', 'stream', 'responses-stream', 'embeddings', 'image', 'slow-streams'];

/**
 * The answer to one check of an arm before it is measured: ok, measured with a note (warn), skipped as broken (fail),
 * or skipped because the arm does not serve the endpoint at all (na: a row marked n/a, not a failure).
 */
export interface Verdict {
  level: 'ok' | 'warn' | 'fail' | 'na';
  message?: string;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  type: 'cannon' | 'stream' | 'slow';
  /** Connections (cannon) or concurrent streams (stream). */
  concurrency: number;
  /** Per-request timeout, seconds. */
  timeoutS: number;
  request(arm: Arm): BenchRequest;
  /** The workload this one is compared with: their rounds alternate (see run-bench.ts `interleaved`). */
  pairedWith?: WorkloadId;
  /** Why `arm` cannot run this workload at all (no such endpoint), known without asking it; the row says n/a. */
  unsupported?(arm: Arm): string | undefined;
  /** How this workload's stream shows content and its end, at `arm`. */
  markers(arm: Arm): StreamMarkers;
  verify(arm: Arm): Promise<Verdict>;
}

export const MARKERS: Record<Arm['dialect'], StreamMarkers> = {
  openai: { content: /"content":\s*"[^"]/, finished: /"finish_reason":\s*"stop"/ },
  gemini: { content: /"text":\s*"[^"]/, finished: /"finishReason":\s*"STOP"/ },
};

/** A Responses stream: `response.output_text.delta` events carry the text, `response.completed` ends it. */
const RESPONSES_MARKERS: StreamMarkers = { content: /"delta":\s*"[^"]/, finished: /"type":\s*"response\.completed"/ };

/** Arms known to have no /v1/responses route. Portkey and LiteLLM are asked: their check says n/a when they refuse. */
const NO_RESPONSES_ROUTE: Partial<Record<Arm['id'], string>> = {
  ceiling: 'the Express + undici ceiling has no /v1/responses route (it is a chat and embeddings pass-through)',
};

const chatMarkers = (arm: Arm): StreamMarkers => MARKERS[arm.dialect];
const responsesMarkers = (arm: Arm): StreamMarkers => (arm.dialect === 'gemini' ? MARKERS.gemini : RESPONSES_MARKERS);

const bodies = new Map<string, Buffer>();

function body(key: string, build: () => unknown): Buffer {
  let buffer = bodies.get(key);
  if (!buffer) {
    buffer = Buffer.from(JSON.stringify(build()));
    bodies.set(key, buffer);
  }
  return buffer;
}

const GEMINI_BASE = '/v1beta/models';

function chatRequest(arm: Arm, stream: boolean): BenchRequest {
  if (arm.dialect === 'gemini') {
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return { origin: arm.origin, path: `${GEMINI_BASE}/${CHAT_MODEL}:${method}`, headers: arm.headers, body: body('gemini-chat', gemini.chat) };
  }
  return { origin: arm.origin, path: '/v1/chat/completions', headers: arm.headers, body: body(`openai-chat-${stream}`, () => openai.chat(stream)) };
}

/** The chat request on the Responses API; the direct arm sends the same native call as for chat. */
function responsesRequest(arm: Arm, stream: boolean): BenchRequest {
  if (arm.dialect === 'gemini') return chatRequest(arm, stream);
  return { origin: arm.origin, path: '/v1/responses', headers: arm.headers, body: body(`openai-responses-${stream}`, () => openai.responses(stream)) };
}

function embeddingsRequest(arm: Arm): BenchRequest {
  if (arm.dialect === 'gemini') {
    return { origin: arm.origin, path: `${GEMINI_BASE}/${EMBEDDING_MODEL}:batchEmbedContents`, headers: arm.headers, body: body('gemini-embed', gemini.embeddings) };
  }
  return { origin: arm.origin, path: '/v1/embeddings', headers: arm.headers, body: body('openai-embed', openai.embeddings) };
}

function imageRequest(arm: Arm): BenchRequest {
  if (arm.dialect === 'gemini') {
    return { origin: arm.origin, path: `${GEMINI_BASE}/${CHAT_MODEL}:generateContent`, headers: arm.headers, body: body('gemini-image', gemini.image) };
  }
  return { origin: arm.origin, path: '/v1/chat/completions', headers: arm.headers, body: body('openai-image', openai.image) };
}

type Loose = Record<string, unknown> & { [key: string]: unknown };

function dig(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Loose)[step as string];
  }
  return current;
}

function snippet(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 240);
}

async function verifyChat(request: BenchRequest, arm: Arm, timeoutMs: number): Promise<Verdict> {
  const { status, body: answer, text } = await exchange(request, timeoutMs);
  if (status !== 200) return { level: 'fail', message: `HTTP ${status}: ${snippet(text)}` };
  const content = arm.dialect === 'gemini' ? dig(answer, 'candidates', 0, 'content', 'parts', 0, 'text') : dig(answer, 'choices', 0, 'message', 'content');
  if (content !== REPLY_TEXT) return { level: 'warn', message: `answer content differs: ${snippet(text)}` };
  return { level: 'ok' };
}

/** The joined `output_text` of a Responses response's message items. */
function outputText(answer: unknown): string | undefined {
  const output = dig(answer, 'output');
  if (!Array.isArray(output)) return undefined;
  return output
    .filter((item) => dig(item, 'type') === 'message')
    .flatMap((item) => (dig(item, 'content') as unknown[] | undefined) ?? [])
    .map((part) => (dig(part, 'type') === 'output_text' ? String(dig(part, 'text')) : ''))
    .join('');
}

/** A gateway that answers /v1/responses with an error does not serve it for Gemini: n/a. The sidecar must serve it. */
function unserved(arm: Arm, status: number, text: string): Verdict {
  if (isSidecarArm(arm.id)) return { level: 'fail', message: `HTTP ${status}: ${snippet(text)}` };
  return { level: 'na', message: `does not serve /v1/responses for a Gemini model (HTTP ${status}: ${snippet(text)})` };
}

async function verifyResponses(request: BenchRequest, arm: Arm): Promise<Verdict> {
  if (arm.dialect === 'gemini') return verifyChat(request, arm, 10_000);
  const { status, body: answer, text } = await exchange(request, 10_000);
  if (status !== 200) return unserved(arm, status, text);
  if (outputText(answer) !== REPLY_TEXT || dig(answer, 'status') !== 'completed') return { level: 'warn', message: `answer differs: ${snippet(text)}` };
  return { level: 'ok' };
}

async function verifyEmbeddings(request: BenchRequest, arm: Arm): Promise<Verdict> {
  const { status, body: answer, text } = await exchange(request, 30_000);
  if (status !== 200) return { level: 'fail', message: `HTTP ${status}: ${snippet(text)}` };
  const list = (arm.dialect === 'gemini' ? dig(answer, 'embeddings') : dig(answer, 'data')) as unknown[] | undefined;
  const first = arm.dialect === 'gemini' ? dig(list, 0, 'values') : dig(list, 0, 'embedding');
  const count = Array.isArray(list) ? list.length : 0;
  const width = Array.isArray(first) ? first.length : typeof first === 'string' ? `base64 ${first.length} chars` : 0;
  if (count !== EMBEDDING_INPUTS || width !== EMBEDDING_DIMENSIONS) {
    return { level: 'warn', message: `answered ${count} embedding(s) of ${width} values for ${EMBEDDING_INPUTS} inputs (not the same work; measured anyway)` };
  }
  return { level: 'ok' };
}

type StreamKind = Arm['dialect'] | 'responses';

/** The text one stream event carries. */
function eventText(event: unknown, kind: StreamKind): unknown {
  if (kind === 'gemini') return dig(event, 'candidates', 0, 'content', 'parts', 0, 'text');
  if (kind === 'responses') return dig(event, 'type') === 'response.output_text.delta' ? dig(event, 'delta') : undefined;
  return dig(event, 'choices', 0, 'delta', 'content');
}

/** Content of every event of a stream body, joined, and whether it ended with `data: [DONE]`. */
function streamContent(text: string, kind: StreamKind): { content: string; done: boolean; events: number } {
  let content = '';
  let events = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') continue;
    events += 1;
    try {
      const event = JSON.parse(data) as unknown;
      const piece = eventText(event, kind);
      if (typeof piece === 'string') content += piece;
    } catch {
      // counted, not read
    }
  }
  return { content, done: /data: \[DONE\]/.test(text), events };
}

async function verifyStream(request: BenchRequest, arm: Arm, expected: string, responses = false): Promise<Verdict> {
  const pool = new Pool(request.origin, { connections: 1 });
  const kind: StreamKind = responses && arm.dialect === 'openai' ? 'responses' : arm.dialect;
  try {
    const outcome = await oneStream(pool, request, kind === 'responses' ? RESPONSES_MARKERS : MARKERS[arm.dialect], AbortSignal.timeout(30_000), true);
    if (!outcome.ok) {
      const status = /^HTTP (\d+)/.exec(outcome.error ?? '')?.[1];
      if (kind === 'responses' && status && status !== '200') return unserved(arm, Number(status), (outcome.error ?? '').replace(/^HTTP \d+: /, ''));
      return { level: 'fail', message: outcome.error ?? 'stream did not finish' };
    }
    const { content, done, events } = streamContent(outcome.body ?? '', kind);
    const notes: string[] = [];
    if (content !== expected) notes.push(`streamed content differs (${snippet(content)})`);
    // The Responses API ends on its terminal event; only chat streams end with [DONE].
    if (kind === 'openai' && !done) notes.push('no `data: [DONE]` at the end');
    return notes.length > 0 ? { level: 'warn', message: `${notes.join('; ')} (${events} events)` } : { level: 'ok', message: `${events} events` };
  } finally {
    await pool.close();
  }
}

/** The workloads in run order. `streamText` is what the fast stream's pieces join to. */
export function workloads(streamText: string = REPLY_TEXT): Workload[] {
  return [
    {
      id: 'chat-c1',
      title: 'Small chat, non-streaming (~260-byte request), 1 connection',
      type: 'cannon',
      concurrency: 1,
      timeoutS: 10,
      request: (arm) => chatRequest(arm, false),
      markers: chatMarkers,
      verify: (arm) => verifyChat(chatRequest(arm, false), arm, 10_000),
    },
    {
      id: 'chat-c32',
      title: 'Small chat, non-streaming, 32 connections',
      type: 'cannon',
      concurrency: 32,
      timeoutS: 10,
      request: (arm) => chatRequest(arm, false),
      markers: chatMarkers,
      verify: (arm) => verifyChat(chatRequest(arm, false), arm, 10_000),
    },
    {
      id: 'responses-c32',
      title: 'The same chat on the Responses API (`POST /v1/responses`, instructions + input), non-streaming, 32 connections',
      type: 'cannon',
      concurrency: 32,
      timeoutS: 10,
      pairedWith: 'chat-c32',
      request: (arm) => responsesRequest(arm, false),
      markers: responsesMarkers,
      unsupported: (arm) => NO_RESPONSES_ROUTE[arm.id],
      verify: (arm) => verifyResponses(responsesRequest(arm, false), arm),
    },
    {
      id: 'stream',
      title: 'Streaming chat, 8 concurrent streams back to back, 10 upstream chunks each, no delay',
      type: 'stream',
      concurrency: 8,
      timeoutS: 30,
      request: (arm) => chatRequest(arm, true),
      markers: chatMarkers,
      verify: (arm) => verifyStream(chatRequest(arm, true), arm, streamText),
    },
    {
      id: 'responses-stream',
      title: 'The same stream on the Responses API (`stream: true`, named events), 8 concurrent streams, 10 upstream chunks each',
      type: 'stream',
      concurrency: 8,
      timeoutS: 30,
      pairedWith: 'stream',
      request: (arm) => responsesRequest(arm, true),
      markers: responsesMarkers,
      unsupported: (arm) => NO_RESPONSES_ROUTE[arm.id],
      verify: (arm) => verifyStream(responsesRequest(arm, true), arm, streamText, true),
    },
    {
      id: 'embeddings',
      title: `Embeddings, ${EMBEDDING_INPUTS} inputs per request, ${EMBEDDING_DIMENSIONS} dimensions, 8 connections`,
      type: 'cannon',
      concurrency: 8,
      timeoutS: 30,
      request: embeddingsRequest,
      markers: chatMarkers,
      verify: (arm) => verifyEmbeddings(embeddingsRequest(arm), arm),
    },
    {
      id: 'image',
      title: 'Chat with a 10 MiB image inline (base64 data URL, ~14 MB request), 4 connections',
      type: 'cannon',
      concurrency: 4,
      timeoutS: 60,
      request: imageRequest,
      markers: chatMarkers,
      verify: (arm) => verifyChat(imageRequest(arm), arm, 60_000),
    },
    {
      id: 'slow-streams',
      title: 'Concurrent slow streams (memory)',
      type: 'slow',
      concurrency: 1000,
      timeoutS: 120,
      request: (arm) => chatRequest(arm, true),
      markers: chatMarkers,
      verify: async () => ({ level: 'ok' }),
    },
  ];
}
