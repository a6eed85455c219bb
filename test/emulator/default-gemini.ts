import type { EmulatorOptions, RecordedRequest } from './emulator-types';
import { answerCountTokens } from './default-count-tokens';
import { answerBatchEmbedContents, answerEmbedContent } from './default-embeddings';
import { answerPredict } from './default-imagen';
import { buildGenerateContentResponse, planReply } from './default-reply';
import { buildStreamChunks } from './default-stream';
import { planSpeech, speechChunks, speechResponse } from './default-speech';
import { audioAnswer } from './default-audio';
import { isAudioModel } from './emulated-model';
import {
  invalidApiKeyError,
  missingApiKeyError,
  modelNotFoundError,
  pathNotFoundError,
  type GoogleErrorReply,
} from './google-error';
import type { JsonReply } from './google-json';
import { getModel, listModels, servesMethod } from './model-catalog';
import { writeJson, writeSse, type WriteContext } from './response-writer';
import type { ThoughtSignatureLedger } from './thought-signatures';
import { isRecord } from './request-fields';
import { validateGenerateRequest } from './validate-generate-request';
import {
  answerEmbedPredict,
  answerPublisherModels,
  bearerToken,
  isEmbeddingModel,
  labelsError,
  locationError,
  unauthenticatedError,
  vertexFieldError,
  vertexRoute,
  type VertexRoute,
} from './vertex-dialect';

/** `POST /{version}/models/{model}:{method}` — the requests scripts apply to. */
export const MODEL_CALL_PATH = /^\/(v1|v1beta)\/models\/([^/:]+):([A-Za-z]+)$/;
const MODEL_LIST_PATH = /^\/(v1|v1beta)\/models$/;
const MODEL_GET_PATH = /^\/(v1|v1beta)\/models\/([^/:]+)$/;

/** The API key as Google reads it: `x-goog-api-key` header, else the `key` query parameter. */
function apiKeyOf(request: RecordedRequest, url: URL): string | undefined {
  const header = request.headers['x-goog-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key ?? url.searchParams.get('key') ?? undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function authError(request: RecordedRequest, url: URL): GoogleErrorReply | undefined {
  const key = apiKeyOf(request, url);
  if (key === undefined || key === '') return missingApiKeyError();
  if (key === 'invalid-key') return invalidApiKeyError();
  return undefined;
}

async function answerGenerate(
  context: WriteContext,
  request: RecordedRequest,
  url: URL,
  model: string,
  options: EmulatorOptions,
  ledger?: ThoughtSignatureLedger,
): Promise<void> {
  const validation = validateGenerateRequest(request.rawBody, request.body, model);
  if (!validation.ok) return writeJson(context, validation.error.status, validation.error.body);
  const unary = url.pathname.endsWith(':generateContent');
  const sse = url.searchParams.get('alt') === 'sse';
  if (isAudioModel(model)) {
    const speech = planSpeech(validation.request);
    if ('status' in speech) return writeJson(context, speech.status, speech.body);
    if (unary) return writeJson(context, 200, speechResponse(model, speech));
    const chunks = speechChunks(model, speech);
    return sse ? writeSse(context, { chunks, intervalMs: options.chunkIntervalMs ?? 0 }) : writeJson(context, 200, chunks);
  }
  const heard = audioAnswer(validation.request);
  const planned = planReply(validation.request, model, ledger);
  // Markers ([block], [safety], [max]) in the instruction still decide the outcome; otherwise the audio is heard.
  const plan = heard === undefined || (planned.mode !== 'text' && planned.mode !== 'tool') ? planned : { ...planned, mode: 'text' as const, texts: [heard] };
  if (unary) {
    return writeJson(context, 200, buildGenerateContentResponse(plan));
  }
  const chunks = buildStreamChunks(plan);
  // Without alt=sse Google answers streamGenerateContent with one JSON array of responses.
  if (!sse) return writeJson(context, 200, chunks);
  return writeSse(context, { chunks, intervalMs: options.chunkIntervalMs ?? 0 });
}

// The other model methods answer from pure functions of (model, version, body, rawBody).
const JSON_METHODS: Record<string, (model: string, version: string, body: unknown, rawBody: string) => JsonReply> = {
  embedContent: answerEmbedContent,
  batchEmbedContents: answerBatchEmbedContents,
  predict: answerPredict,
  countTokens: answerCountTokens,
};

function isGenerateMethod(method: string): boolean {
  return method === 'generateContent' || method === 'streamGenerateContent';
}

/**
 * A Vertex AI call: the bearer token (project paths) or API key (express paths) checked, Vertex-only answers (publisher
 * models, embedding `:predict`, refused fields, preview models outside `global`), the rest answered as the Developer
 * API answers the same model method.
 */
function answerVertex(
  context: WriteContext,
  request: RecordedRequest,
  url: URL,
  route: VertexRoute,
  options: EmulatorOptions,
  ledger?: ThoughtSignatureLedger,
): Promise<void> {
  const reply = (answer: JsonReply): Promise<void> => writeJson(context, answer.status, answer.body);
  if (route.auth === 'adc') {
    const token = bearerToken(request.headers);
    if (!token || !(options.acceptsToken?.(token) ?? true)) return reply(unauthenticatedError());
  } else {
    const failure = authError(request, url);
    if (failure) return reply(failure);
  }
  const model = route.model ?? '';
  const method = route.method ?? '';
  if (route.kind !== 'call') return request.method === 'GET' ? reply(answerPublisherModels(route)) : reply(pathNotFoundError(url.pathname));
  const located = locationError(route);
  if (located) return reply(located);
  if (method === 'predict' && isEmbeddingModel(model)) return reply(answerEmbedPredict(model, request.body));
  if (method === 'batchEmbedContents') return reply(pathNotFoundError(url.pathname));
  const refused = vertexFieldError(method, request.body) ?? labelsError(request.body);
  if (refused) return reply(refused);
  // labels are Vertex-only: checked above, then left out of what the Developer-API behaviour reads.
  const { labels: _labels, ...fields } = isRecord(request.body) ? request.body : {};
  const unlabelled = isRecord(request.body) ? fields : request.body;
  const body = method === 'countTokens' ? { generateContentRequest: unlabelled } : unlabelled;
  const developer: RecordedRequest = {
    ...request,
    path: `${route.developerPath}${url.search}`,
    headers: { ...request.headers, 'x-goog-api-key': 'vertex-authenticated' },
    body,
    rawBody: body === request.body ? request.rawBody : JSON.stringify(body),
  };
  return answerByDefault(context, developer, options, ledger);
}

/** The believable, deterministic Gemini that answers when no script is queued; issued signatures go to the ledger. */
export async function answerByDefault(
  context: WriteContext,
  request: RecordedRequest,
  options: EmulatorOptions,
  ledger?: ThoughtSignatureLedger,
): Promise<void> {
  const url = new URL(request.path, 'http://emulator.invalid');
  const pathname = url.pathname;
  const reply = (answer: JsonReply): Promise<void> => writeJson(context, answer.status, answer.body);
  const vertex = vertexRoute(pathname);
  if (vertex) return answerVertex(context, request, url, vertex, options, ledger);
  const call = MODEL_CALL_PATH.exec(pathname);
  const [, version = 'v1beta', encodedModel = '', method = ''] = call ?? [];
  const jsonMethod = Object.hasOwn(JSON_METHODS, method) ? JSON_METHODS[method] : undefined;
  const listing = MODEL_LIST_PATH.exec(pathname);
  const getting = MODEL_GET_PATH.exec(pathname);
  if (request.method === 'POST' && call && (isGenerateMethod(method) || jsonMethod)) {
    const failure = authError(request, url);
    if (failure) return reply(failure);
    const model = safeDecode(encodedModel);
    if (jsonMethod) return reply(jsonMethod(model, version, request.body, request.rawBody));
    // Only catalogued models answer, each only its own methods (ListModels supportedGenerationMethods).
    if (!servesMethod(model, method)) return reply(modelNotFoundError(model, version, method));
    return answerGenerate(context, request, url, model, options, ledger);
  }
  if (request.method === 'GET' && (listing || getting)) {
    const failure = authError(request, url);
    if (failure) return reply(failure);
    const answer = getting
      ? getModel(safeDecode(getting[2] ?? ''), getting[1] ?? 'v1beta')
      : listModels(url.searchParams);
    return reply(answer);
  }
  return reply(pathNotFoundError(pathname));
}
