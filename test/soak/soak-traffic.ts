import { SOAK_FAULTS, type SoakFault } from './faulty-gemini';

/** A soak request that has not ended by then counts as hung. */
const CLIENT_TIMEOUT_MS = 30_000;

/** One kind of soak request: healthy traffic or an injected fault. */
export type Kind = 'chat' | 'chat-stream' | 'embeddings' | SoakFault;
/** Share of each kind in the mix (percent): mostly healthy traffic, 30 % faults. */
const MIX: Array<[Kind, number]> = [
  ['chat', 25],
  ['chat-stream', 30],
  ['embeddings', 15],
  ...SOAK_FAULTS.map((fault): [Kind, number] => [fault, 5]),
];

/** What a correct sidecar answers to one soak request. */
interface Expected {
  status: number;
  /** For 200: the exact answer text; otherwise the OpenAI error code (JSON body, or SSE error frame when stream). */
  content?: string;
  code?: string;
  stream: boolean;
  /** Embeddings: vectors expected. */
  vectors?: number;
}

/** The kind drawn for `random` in [0, 1), by the weights of MIX. */
export function pick(random: number): Kind {
  let left = random * MIX.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [kind, weight] of MIX) if ((left -= weight) < 0) return kind;
  return 'chat';
}

/** The request for one soak call and what a correct sidecar answers. */
function plan(id: number, kind: Kind): { path: string; body: object; expected: Expected } {
  const prompt = (tag: string) => `${tag}soak request ${id} asks for a short answer`;
  const chat = (text: string, stream: boolean) => ({ model: 'gemini-2.5-flash', stream, messages: [{ role: 'user', content: text }] });
  const tagged = prompt(`[soak:${id}:${kind}] `);
  switch (kind) {
    case 'chat':
      return { path: '/v1/chat/completions', body: chat(prompt(''), false), expected: { status: 200, content: `Echo: ${prompt('')}`, stream: false } };
    case 'chat-stream':
      return { path: '/v1/chat/completions', body: chat(prompt(''), true), expected: { status: 200, content: `Echo: ${prompt('')}`, stream: true } };
    case 'embeddings':
      return { path: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: [`soak ${id} a`, `soak ${id} b`] }, expected: { status: 200, vectors: 2, stream: false } };
    case 'rate-limited-then-success':
      return { path: '/v1/chat/completions', body: chat(tagged, true), expected: { status: 200, content: `Echo: ${tagged}`, stream: true } };
    case 'reset-then-success':
      return { path: '/v1/chat/completions', body: chat(tagged, false), expected: { status: 200, content: `Echo: ${tagged}`, stream: false } };
    case 'unavailable-storm':
      return { path: '/v1/chat/completions', body: chat(tagged, false), expected: { status: 503, code: 'unavailable', stream: false } };
    case 'cut-mid-stream':
      return { path: '/v1/chat/completions', body: chat(tagged, true), expected: { status: 200, code: 'upstream_unreachable', stream: true } };
    case 'hang':
      return { path: '/v1/chat/completions', body: chat(tagged, false), expected: { status: 504, code: 'upstream_timeout', stream: false } };
    case 'bad-request':
      return { path: '/v1/chat/completions', body: chat(tagged, false), expected: { status: 400, code: 'invalid_argument', stream: false } };
  }
}

/** The parts of an OpenAI SSE body the soak checks. */
interface SseSummary {
  content: string;
  done: boolean;
  errorCode: string | null | undefined;
}

function readSse(text: string): SseSummary {
  let content = '';
  let done = false;
  let errorCode: string | null | undefined;
  for (const event of text.split('\n\n')) {
    if (!event.startsWith('data: ')) continue;
    const payload = event.slice(6);
    if (payload === '[DONE]') {
      done = true;
      continue;
    }
    const value = JSON.parse(payload) as { error?: { code: string | null }; choices?: Array<{ delta?: { content?: string | null } }> };
    if (value.error) errorCode = value.error.code;
    for (const choice of value.choices ?? []) content += choice.delta?.content ?? '';
  }
  return { content, done, errorCode };
}

/** `ok`, or the kind of error the client saw (`503/unavailable`, `sse/upstream_timeout` ...), and whether it was expected. */
export async function call(url: string, id: number, kind: Kind): Promise<{ label: string; expected: boolean; detail?: string }> {
  const { path, body, expected } = plan(id, kind);
  let status: number;
  let text: string;
  try {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return { label: `client/${(error as Error).name}`, expected: false, detail: `${kind} #${id}: ${(error as Error).message}` };
  }
  try {
    if (status !== 200) {
      const code = (JSON.parse(text) as { error?: { code?: string | null } }).error?.code ?? 'none';
      return { label: `${status}/${code}`, expected: status === expected.status && code === expected.code, detail: `${kind} #${id}: HTTP ${status} ${text.slice(0, 200)}` };
    }
    if (!expected.stream) {
      const answer = JSON.parse(text) as { choices?: Array<{ message: { content: string } }>; data?: unknown[] };
      const good = expected.vectors !== undefined ? answer.data?.length === expected.vectors : answer.choices?.[0]?.message.content === expected.content;
      return { label: good ? 'ok' : 'mismatch', expected: good && expected.status === 200, detail: `${kind} #${id}: ${text.slice(0, 200)}` };
    }
    const sse = readSse(text);
    if (sse.errorCode !== undefined) {
      return { label: `sse/${sse.errorCode}`, expected: !sse.done && sse.errorCode === expected.code, detail: `${kind} #${id}: ${text.slice(-300)}` };
    }
    // A 200 stream with neither [DONE] nor an error frame is the one outcome that must never happen: silent truncation.
    const good = sse.done && sse.content === expected.content;
    return { label: !sse.done ? 'truncated' : good ? 'ok' : 'mismatch', expected: good, detail: `${kind} #${id}: ${text.slice(-300)}` };
  } catch (error) {
    return { label: 'unparseable', expected: false, detail: `${kind} #${id}: ${(error as Error).message}: ${text.slice(0, 200)}` };
  }
}

