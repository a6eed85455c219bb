import fc from 'fast-check';
import { configSchema } from '@sidecar/config/config-schema';
import { SseDecoder, SseEventTooLargeError, type SseItem } from '@sidecar/streaming/sse-decoder';
import { geminiGenerateContentResponseSchema, type GeminiGenerateContentResponse } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { geminiResponseToOpenAI } from '@sidecar/translate/chat-completions/gemini-response-to-openai';
import { GeminiStreamTranslator } from '@sidecar/translate/chat-completions/gemini-stream-translator';
import type { OpenAIChatCompletionChunk, ResponseContext } from '@sidecar/translate/chat-completions/openai-chat-response';
import { openaiRequestToGemini } from '@sidecar/translate/chat-completions/openai-request-to-gemini';
import { parseOpenAIChatRequest } from '@sidecar/translate/chat-completions/parse-openai-chat-request';
import { openAIEmbeddingsRequestSchema } from '@sidecar/translate/embeddings/openai-embeddings-schema';
import { openaiEmbeddingsToGemini } from '@sidecar/translate/embeddings/openai-embeddings-to-gemini';
import { parseOpenAIImagesRequest } from '@sidecar/translate/images/openai-images-schema';
import { openaiImagesToGemini } from '@sidecar/translate/images/openai-images-to-gemini';
import { resolveModel, withAliasDefaults } from '@sidecar/translate/model-alias';
import { parseRequestBody } from '@sidecar/translate/parse-with-param';
import { embeddingsBody, imagesBody } from './embeddings-images-arbitraries';
import { materialize } from './fuzz-json';
import { geminiResponse, geminiResponseLike } from './gemini-arbitraries';
import {
  checkCompletion,
  checkEmbeddingsRequest,
  checkGeminiRequest,
  checkImagesRequest,
  checkRefusal,
  checkStream,
  InvariantError,
} from './invariants';
import { chatBody } from './openai-chat-arbitraries';

/** What one property run reports. */
export interface FuzzOutcome {
  name: string;
  numRuns: number;
  /** Inputs that got past validation to the output invariants (a translation, a schema-valid response, a Gemini call). */
  accepted: number;
  failed: boolean;
  /** fast-check's report with the shrunk counterexample, seed and path, when the property failed. */
  report: string | null;
  seconds: number;
}

/** A named property, runnable with any number of runs (jest runs few, `npm run fuzz` many). */
export interface FuzzProperty {
  name: string;
  kind: 'translator' | 'http';
  /** Whether a run that accepted nothing means the arbitraries no longer reach the interesting code. */
  mustAccept: boolean;
  run(numRuns: number): Promise<FuzzOutcome>;
}

/** Runs per property in CI, unless FUZZ_RUNS / FUZZ_HTTP_RUNS say otherwise. */
export const CI_RUNS = { translator: 300, http: 150 } as const;

/** A positive integer from an environment variable, or the fallback. */
export function runsFromEnv(variable: string, fallback: number): number {
  const value = Number(process.env[variable]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** FUZZ_SEED and FUZZ_PATH, printed with every counterexample, replay that failure. */
function replayParameters(): { seed?: number; path?: string } {
  const seed = Number(process.env.FUZZ_SEED);
  return {
    ...(process.env.FUZZ_SEED && Number.isInteger(seed) ? { seed } : {}),
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
  };
}

/** fc.check with replay support, timed, turned into a {@link FuzzOutcome}. */
export async function checkProperty<Ts>(name: string, property: fc.IRawProperty<Ts>, numRuns: number, accepted: () => number): Promise<FuzzOutcome> {
  const started = performance.now();
  const details = await fc.check(property, { numRuns, ...replayParameters() });
  const report = details.failed ? `${fc.defaultReportMessage(details) ?? 'Property failed'}\nError: ${describeError(details.errorInstance)}` : null;
  return { name, numRuns: details.numRuns, accepted: accepted(), failed: details.failed, report, seconds: (performance.now() - started) / 1000 };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A synchronous property over one arbitrary whose predicate returns whether the input was accepted. */
function translatorProperty<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean, mustAccept = true): FuzzProperty {
  return {
    name,
    kind: 'translator',
    mustAccept,
    run(numRuns) {
      let accepted = 0;
      const property = fc.property(arbitrary, (value) => {
        if (predicate(value)) accepted++;
      });
      return checkProperty(name, property, numRuns, () => accepted);
    },
  };
}

const ALIASES = configSchema.parse({}).models.aliases;
const CONTEXT: ResponseContext = { model: 'gemini-2.5-flash', created: 1_700_000_000, fallbackId: 'chatcmpl-fallback0123456789abcdef' };

/** parse → resolve alias → translate, as the route does; true when a Gemini request came out. */
function translateChat(body: unknown, remoteUrls: 'fetch' | 'pass-through'): boolean {
  let geminiRequest;
  try {
    const parsed = parseOpenAIChatRequest(body);
    const resolved = resolveModel(parsed.request.model, ALIASES);
    const request = withAliasDefaults({ ...parsed.request, model: resolved.model }, resolved.alias);
    geminiRequest = openaiRequestToGemini(request, { remoteUrls }).geminiRequest;
  } catch (error) {
    checkRefusal(error);
    return false;
  }
  checkGeminiRequest(geminiRequest);
  return true;
}

function translateEmbeddings(body: unknown): boolean {
  let translated;
  let model;
  try {
    const parsed = parseRequestBody(openAIEmbeddingsRequestSchema, body);
    const resolved = resolveModel(parsed.request.model, ALIASES);
    model = resolved.model;
    translated = openaiEmbeddingsToGemini(parsed.request, model, { dimensions: resolved.alias?.dimensions });
  } catch (error) {
    checkRefusal(error);
    return false;
  }
  checkEmbeddingsRequest(translated, model);
  return true;
}

function translateImages(body: unknown): boolean {
  let translated;
  let prompt;
  try {
    const parsed = parseOpenAIImagesRequest(body);
    const resolved = resolveModel(parsed.request.model, ALIASES);
    prompt = parsed.request.prompt;
    translated = openaiImagesToGemini(withAliasDefaults({ ...parsed.request, model: resolved.model }, resolved.alias));
  } catch (error) {
    checkRefusal(error);
    return false;
  }
  checkImagesRequest(translated, prompt);
  return true;
}

function translateResponse(raw: unknown): boolean {
  const parsed = geminiGenerateContentResponseSchema.safeParse(raw);
  if (!parsed.success) return false;
  checkCompletion(geminiResponseToOpenAI(parsed.data, CONTEXT).completion, parsed.data);
  return true;
}

/** Feeds the schema-valid chunks to one translator; true when the stream came out complete. */
function translateStream(rawChunks: unknown[], includeUsage: boolean): boolean {
  const translator = new GeminiStreamTranslator(CONTEXT, includeUsage);
  const chunks: OpenAIChatCompletionChunk[] = [];
  const choices = new Set<number>();
  const finished = new Set<number>();
  for (const raw of rawChunks) {
    const parsed = geminiGenerateContentResponseSchema.safeParse(raw);
    if (!parsed.success) continue;
    noteChoices(parsed.data, choices, finished);
    chunks.push(...translator.push(parsed.data));
  }
  const finish = translator.finish();
  chunks.push(...finish.chunks);
  checkStream(chunks, finish, choices, finished);
  return finish.complete;
}

/** The choice indexes a chunk mentions, and those it finishes (a blocked prompt finishes choice 0). */
function noteChoices(chunk: GeminiGenerateContentResponse, choices: Set<number>, finished: Set<number>): void {
  const candidates = chunk.candidates ?? [];
  if (candidates.length === 0 && chunk.promptFeedback?.blockReason) {
    choices.add(0);
    finished.add(0);
  }
  candidates.forEach((candidate, position) => {
    const index = candidate.index ?? position;
    choices.add(index);
    if (candidate.finishReason) finished.add(index);
  });
}

const payload = fc.string({ unit: 'binary', maxLength: 20 }).map((value) => value.replace(/[\r\n]/g, ''));
const sseEvent = fc.record({
  payload,
  separator: fc.constantFrom('\n\n', '\r\n\r\n', '\r\r'),
  before: fc.option(fc.constantFrom(': keep-alive', ':', 'event: message', 'id: 7', 'retry: 100'), { nil: undefined, freq: 2 }),
});

/** Frames the events as Gemini (or any SSE server) could, then cuts the text at the given offsets. */
function decodeFramed(events: Array<{ payload: string; separator: string; before: string | undefined }>, cuts: number[]): boolean {
  // A comment or other field line before an event ends with half of that event's separator (one line ending).
  const line = (field: string | undefined, separator: string) => (field === undefined ? '' : `${field}${separator.slice(0, separator.length / 2)}`);
  const wire = events.map(({ payload: data, separator, before }) => `${line(before, separator)}data: ${data}${separator}`).join('');
  const offsets = [...new Set(cuts.map((cut) => cut % (wire.length + 1)))].sort((left, right) => left - right);
  const decoder = new SseDecoder();
  const items: SseItem[] = [];
  let from = 0;
  for (const offset of [...offsets, wire.length]) {
    items.push(...decoder.push(wire.slice(from, offset)));
    from = offset;
  }
  items.push(...decoder.end());
  const decoded = items.map((item) => (item.kind === 'data' ? item.data : `<raw ${item.text}>`));
  const expected = events.map((event) => event.payload);
  if (decoded.length !== expected.length || decoded.some((data, index) => data !== expected[index])) {
    throw new InvariantError(`decoded ${JSON.stringify(decoded)}, expected ${JSON.stringify(expected)} from ${JSON.stringify(wire)}`);
  }
  return events.length > 0;
}

const noise = fc.array(
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.uint8Array({ maxLength: 30 }).map((bytes) => new TextDecoder().decode(bytes)),
    fc.constantFrom('\r', '\n', '\r\n', 'data:', 'data: {"a":1}\n\n', ': x\r', '{\n  "error": {}\n}\n'),
  ),
  { maxLength: 20 },
);

/** Byte noise: with a small bound only SseEventTooLargeError may escape; with the default bound nothing may. */
function decodeNoise(pieces: string[], maxEventBytes: number | undefined): boolean {
  const decoder = new SseDecoder(maxEventBytes);
  try {
    for (const piece of pieces) decoder.push(piece);
    decoder.end();
  } catch (error) {
    if (maxEventBytes === undefined || !(error instanceof SseEventTooLargeError)) throw error;
    return false;
  }
  return true;
}

const remoteUrls = fc.constantFrom('fetch' as const, 'pass-through' as const);

/** The pure translator properties, in the order they are reported. */
export const TRANSLATOR_PROPERTIES: FuzzProperty[] = [
  // Random JSON is practically never a valid chat body: this one checks the refusals only.
  translatorProperty('chat request: any JSON value', fc.tuple(fc.jsonValue(), remoteUrls), ([body, urls]) => translateChat(body, urls), false),
  translatorProperty('chat request: tidy OpenAI bodies', fc.tuple(chatBody(false), remoteUrls), ([body, urls]) => translateChat(materialize(body), urls)),
  translatorProperty('chat request: wild OpenAI bodies', fc.tuple(chatBody(true), remoteUrls), ([body, urls]) => translateChat(materialize(body), urls)),
  translatorProperty('embeddings request', fc.oneof(embeddingsBody(false), embeddingsBody(true), fc.jsonValue()), (body) =>
    translateEmbeddings(materialize(body)),
  ),
  translatorProperty('images request', fc.oneof(imagesBody(false), imagesBody(true), fc.jsonValue()), (body) => translateImages(materialize(body))),
  translatorProperty('gemini response: any JSON value', fc.jsonValue(), translateResponse),
  translatorProperty('gemini response: structured', geminiResponseLike, translateResponse),
  translatorProperty(
    'gemini stream: chunk sequences',
    fc.tuple(fc.array(fc.oneof({ weight: 4, arbitrary: geminiResponse }, { weight: 1, arbitrary: geminiResponseLike }), { maxLength: 6 }), fc.boolean()),
    ([chunks, includeUsage]) => translateStream(chunks, includeUsage),
  ),
  translatorProperty(
    'sse decoder: framed events',
    fc.tuple(fc.array(sseEvent, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 })),
    ([events, cuts]) => decodeFramed(events, cuts),
  ),
  translatorProperty(
    'sse decoder: byte noise',
    fc.tuple(noise, fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined })),
    ([pieces, max]) => decodeNoise(pieces, max),
  ),
];
