import type { GeminiEmulator } from '../../emulator/gemini-emulator';

/** One response part as the tests read it. */
export interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
}

/** LogprobsResult.Candidate. */
export interface TokenLogprob {
  token: string;
  logProbability: number;
  tokenId?: number;
}

/** One candidate as the tests read it. */
export interface Candidate {
  content: { parts?: Part[]; role?: string };
  finishReason?: string;
  index?: number;
  finishMessage?: string;
  groundingMetadata?: {
    webSearchQueries: string[];
    searchEntryPoint?: { renderedContent: string };
    groundingChunks: Array<{ web: { uri: string; title: string } }>;
    groundingSupports: Array<{ segment: { startIndex: number; endIndex: number; text: string }; groundingChunkIndices: number[] }>;
  };
  avgLogprobs?: number;
  logprobsResult?: { topCandidates?: Array<{ candidates: TokenLogprob[] }>; chosenCandidates: TokenLogprob[]; logProbabilitySum?: number };
}

/** A GenerateContentResponse, a stream chunk or a Google error body. */
export interface GeminiBody {
  candidates?: Candidate[];
  usageMetadata?: Record<string, unknown>;
  modelVersion?: string;
  responseId?: string;
  error?: { code: number; message: string; status: string; details?: Array<{ '@type': string; fieldViolations?: Array<{ field?: string; description: string }> }> };
}

/** A request content. */
export interface Content {
  role?: string;
  parts: Array<Record<string, unknown>>;
}

const HEADERS = { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' };

/** `{contents: [{role: 'user', parts: [{text}]}], ...extra}`. */
export function userBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { contents: [{ role: 'user', parts: [{ text }] }], ...extra };
}

/** POST :generateContent and parse the JSON answer. */
export async function generate(emulator: GeminiEmulator, model: string, body: unknown): Promise<{ status: number; json: GeminiBody }> {
  const response = await fetch(`${emulator.url}/v1beta/models/${model}:generateContent`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as GeminiBody };
}

/** POST :streamGenerateContent?alt=sse and parse every `data:` event. */
export async function stream(emulator: GeminiEmulator, model: string, body: unknown): Promise<{ status: number; chunks: GeminiBody[] }> {
  const response = await fetch(`${emulator.url}/v1beta/models/${model}:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const chunks = text
    .split('\r\n\r\n')
    .filter((event) => event !== '')
    .map((event) => JSON.parse(event.replace(/^data: /, '')) as GeminiBody);
  return { status: response.status, chunks };
}

/** Parts of the first candidate. */
export function partsOf(body: GeminiBody, index = 0): Part[] {
  return body.candidates?.[index]?.content.parts ?? [];
}

/** Standard base64 with padding, as Google writes signatures and image data. */
export const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A Google error body. */
export interface GoogleErrorBody {
  error?: NonNullable<GeminiBody['error']>;
}

/** POST a JSON body (strings are sent verbatim) to `path` with the test key; the answer is parsed as T. */
export async function postJson<T>(emulator: GeminiEmulator, path: string, body: unknown): Promise<{ status: number; json: T & GoogleErrorBody }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: HEADERS,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T & GoogleErrorBody };
}

/** GET `path` with the test key; the answer is parsed as T. */
export async function getJson<T>(emulator: GeminiEmulator, path: string): Promise<{ status: number; json: T & GoogleErrorBody }> {
  const response = await fetch(`${emulator.url}${path}`, { headers: HEADERS });
  return { status: response.status, json: (await response.json()) as T & GoogleErrorBody };
}
