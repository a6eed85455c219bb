import { googleError, type GoogleErrorReply } from './google-error';

/** One entry of `GET /v1beta/models`, in Google's field order. */
export interface GoogleModel {
  name: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTemperature?: number;
  thinking?: boolean;
}

const CHAT_METHODS = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];

function chatModel(id: string, displayName: string, description: string, outputTokenLimit = 65536): GoogleModel {
  return {
    name: `models/${id}`,
    version: '001',
    displayName,
    description,
    inputTokenLimit: 1048576,
    outputTokenLimit,
    supportedGenerationMethods: CHAT_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

function imageModel(id: string, displayName: string, description: string, thinking: boolean): GoogleModel {
  const { thinking: _thinking, ...model } = chatModel(id, displayName, description, 32768);
  const entry = { ...model, inputTokenLimit: 65536, supportedGenerationMethods: ['generateContent', 'countTokens', 'batchGenerateContent'] };
  return thinking ? { ...entry, thinking } : entry;
}

function speechModel(id: string, displayName: string): GoogleModel {
  const { thinking: _thinking, temperature: _t, topP: _p, topK: _k, maxTemperature: _m, ...model } = chatModel(id, displayName, displayName, 16384);
  return { ...model, inputTokenLimit: 8192, supportedGenerationMethods: ['countTokens', 'generateContent'] };
}

// Embedding models serve embedContent and batchEmbedContents (https://ai.google.dev/api/embeddings); Google's own
// listing also names its token-counting and async batch methods.
function embeddingModel(id: string, displayName: string, inputTokenLimit: number): GoogleModel {
  return {
    name: `models/${id}`,
    version: '001',
    displayName,
    description: 'Obtain a distributed representation of a text.',
    inputTokenLimit,
    outputTokenLimit: 1,
    supportedGenerationMethods: ['embedContent', 'batchEmbedContents', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'],
  };
}

function imagenModel(id: string, displayName: string): GoogleModel {
  return {
    name: `models/${id}`,
    version: '001',
    displayName,
    description: 'Vertex served Imagen 4.0 model',
    inputTokenLimit: 480,
    outputTokenLimit: 8192,
    supportedGenerationMethods: ['predict'],
  };
}

/** The models the emulator lists, a small realistic subset of Google's catalogue (chat, image, embedding, Imagen). */
export const MODEL_CATALOG: readonly GoogleModel[] = [
  chatModel('gemini-2.5-flash', 'Gemini 2.5 Flash', 'Stable version of Gemini 2.5 Flash, our mid-size multimodal model.'),
  chatModel('gemini-2.5-pro', 'Gemini 2.5 Pro', 'Stable release of Gemini 2.5 Pro.'),
  chatModel('gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 'Stable version of Gemini 2.5 Flash-Lite.'),
  chatModel('gemini-3-pro-preview', 'Gemini 3 Pro Preview', 'Gemini 3 Pro Preview'),
  chatModel('gemini-3-flash-preview', 'Gemini 3 Flash Preview', 'Gemini 3 Flash Preview'),
  chatModel('gemini-3.1-pro-preview', 'Gemini 3.1 Pro Preview', 'Gemini 3.1 Pro Preview'),
  chatModel('gemini-3.1-flash-lite', 'Gemini 3.1 Flash-Lite', 'Gemini 3.1 Flash-Lite'),
  chatModel('gemini-3.5-flash', 'Gemini 3.5 Flash', 'Gemini 3.5 Flash'),
  chatModel('gemini-3.5-flash-lite', 'Gemini 3.5 Flash-Lite', 'Gemini 3.5 Flash-Lite'),
  chatModel('gemini-3.6-flash', 'Gemini 3.6 Flash', 'Gemini 3.6 Flash'),
  chatModel('gemini-3.7-flash', 'Gemini 3.7 Flash', 'Gemini 3.7 Flash'),
  chatModel('gemini-3.8-flash', 'Gemini 3.8 Flash', 'Gemini 3.8 Flash'),
  chatModel('gemini-4-argon', 'Gemini 4 Argon', 'Our most capable model, built to solve the hardest problems.'),
  // The -latest ids Google keeps pointing at its newest stable models.
  chatModel('gemini-flash-latest', 'Gemini Flash Latest', 'Latest release of Gemini Flash'),
  chatModel('gemini-flash-lite-latest', 'Gemini Flash-Lite Latest', 'Latest release of Gemini Flash-Lite'),
  chatModel('gemini-pro-latest', 'Gemini Pro Latest', 'Latest release of Gemini Pro'),
  imageModel('gemini-2.5-flash-image', 'Nano Banana', 'Gemini 2.5 Flash Image', false),
  imageModel('gemini-3-pro-image-preview', 'Nano Banana Pro', 'Gemini 3 Pro Image Preview', true),
  imageModel('gemini-3-pro-image', 'Nano Banana Pro', 'Gemini 3 Pro Image', true),
  imageModel('gemini-3.1-flash-image', 'Nano Banana 2', 'Gemini 3.1 Flash Image', true),
  speechModel('gemini-2.5-flash-preview-tts', 'Gemini 2.5 Flash Preview TTS'),
  speechModel('gemini-2.5-pro-preview-tts', 'Gemini 2.5 Pro Preview TTS'),
  speechModel('gemini-3.1-flash-tts-preview', 'Gemini 3.1 Flash TTS Preview'),
  speechModel('gemini-3.8-flash-tts', 'Gemini 3.8 Flash TTS'),
  speechModel('gemini-3.8-flash-lite-tts', 'Gemini 3.8 Flash-Lite TTS'),
  embeddingModel('gemini-embedding-001', 'Gemini Embedding 001', 2048),
  embeddingModel('gemini-embedding-2', 'Gemini Embedding 2', 8192),
  embeddingModel('gemini-embedding-2-preview', 'Gemini Embedding 2 Preview', 8192),
  imagenModel('imagen-4.0-generate-001', 'Imagen 4'),
  imagenModel('imagen-4.0-fast-generate-001', 'Imagen 4 Fast'),
  imagenModel('imagen-4.0-ultra-generate-001', 'Imagen 4 Ultra'),
];

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** Answers `GET /{version}/models?pageSize=&pageToken=`; page tokens are opaque base64url offsets. */
export function listModels(search: URLSearchParams): { status: number; body: unknown } | GoogleErrorReply {
  const rawSize = search.get('pageSize');
  const pageSize = rawSize === null || rawSize === '' ? DEFAULT_PAGE_SIZE : Number(rawSize);
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    return googleError(400, 'INVALID_ARGUMENT', `Invalid value at 'page_size' (TYPE_INT32), "${rawSize}"`);
  }
  const token = search.get('pageToken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, '')) : 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > MODEL_CATALOG.length) {
    return googleError(400, 'INVALID_ARGUMENT', 'Invalid page token.');
  }
  const size = Math.min(pageSize === 0 ? DEFAULT_PAGE_SIZE : pageSize, MAX_PAGE_SIZE);
  const models = MODEL_CATALOG.slice(offset, offset + size);
  const next = offset + size;
  const nextPageToken = next < MODEL_CATALOG.length ? Buffer.from(`offset:${next}`).toString('base64url') : undefined;
  return { status: 200, body: nextPageToken ? { models, nextPageToken } : { models } };
}

/** Answers `GET /{version}/models/{model}`. */
export function getModel(model: string, version: string): { status: number; body: unknown } | GoogleErrorReply {
  const entry = MODEL_CATALOG.find((candidate) => candidate.name === `models/${model}`);
  if (entry) return { status: 200, body: entry };
  return googleError(404, 'NOT_FOUND', `models/${model} is not found for API version ${version}, or is not supported for get.`);
}

/** True when the catalogue has the model and it serves `method` (Google answers 404 to anything else). */
export function servesMethod(model: string, method: string): boolean {
  return MODEL_CATALOG.some((entry) => entry.name === `models/${model}` && entry.supportedGenerationMethods.includes(method === 'streamGenerateContent' ? 'generateContent' : method));
}
