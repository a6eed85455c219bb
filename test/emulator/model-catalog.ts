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

/** The models the emulator lists, a small realistic subset of Google's catalogue. */
export const MODEL_CATALOG: readonly GoogleModel[] = [
  chatModel('gemini-2.5-flash', 'Gemini 2.5 Flash', 'Stable version of Gemini 2.5 Flash, our mid-size multimodal model.'),
  chatModel('gemini-2.5-pro', 'Gemini 2.5 Pro', 'Stable release of Gemini 2.5 Pro.'),
  chatModel('gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 'Stable version of Gemini 2.5 Flash-Lite.'),
  chatModel('gemini-3-pro-preview', 'Gemini 3 Pro Preview', 'Gemini 3 Pro Preview'),
  chatModel('gemini-3-flash-preview', 'Gemini 3 Flash Preview', 'Gemini 3 Flash Preview'),
  {
    name: 'models/gemini-embedding-001',
    version: '001',
    displayName: 'Gemini Embedding 001',
    description: 'Obtain a distributed representation of a text.',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'],
  },
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
