import { createHash } from 'node:crypto';
import { EMBEDDING_MODELS } from './emulated-model';
import { modelNotFoundError } from './google-error';
import type { JsonReply } from './google-json';
import { validateBatchEmbedRequest, validateEmbedRequest, type EmulatorEmbedRequest } from './validate-embed-request';

/** gemini-embedding-001's native width, and the only width Google returns normalized (https://ai.google.dev/gemini-api/docs/embeddings). */
export const EMBEDDING_DIMENSIONS = 3072;

/** xoshiro128** seeded by SHA-256 of the seed text: the same seed always yields the same stream of floats in [0, 1). */
function seededRandom(seed: string): () => number {
  const digest = createHash('sha256').update(seed).digest();
  let [a, b, c, d] = [0, 4, 8, 12].map((offset) => digest.readUInt32LE(offset)) as [number, number, number, number];
  const rotl = (value: number, shift: number): number => (value << shift) | (value >>> (32 - shift));
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 2 ** 32;
  };
}

function embeddingSeed(text: string, taskType?: string, title?: string): string {
  const task = taskType === undefined || taskType === 'TASK_TYPE_UNSPECIFIED' ? '' : taskType;
  // Google documents title as only applicable to RETRIEVAL_DOCUMENT, so it changes nothing elsewhere.
  const documentTitle = task === 'RETRIEVAL_DOCUMENT' ? (title ?? '') : '';
  return `${task}\u0000${documentTitle}\u0000${text}`;
}

/**
 * The vector the emulator answers for `text`: 3072 Gaussian floats seeded by text, task type (absent ≡
 * TASK_TYPE_UNSPECIFIED) and, for RETRIEVAL_DOCUMENT, title; normalized to unit length, rounded to float32, then
 * truncated to `dimensions` the way Matryoshka truncation works, so only the full 3072 width has norm 1.
 */
export function emulatedEmbedding(text: string, dimensions: number, taskType?: string, title?: string): number[] {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > EMBEDDING_DIMENSIONS) {
    throw new RangeError(`dimensions must be an integer in [1, ${EMBEDDING_DIMENSIONS}], got ${dimensions}`);
  }
  const random = seededRandom(embeddingSeed(text, taskType, title));
  // Box–Muller: 1 - random() is in (0, 1], so the logarithm stays finite.
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const full = Array.from({ length: EMBEDDING_DIMENSIONS }, gaussian);
  const norm = Math.sqrt(full.reduce((sum, value) => sum + value * value, 0));
  return full.slice(0, dimensions).map((value) => Math.fround(value / norm));
}

function contentEmbedding(request: EmulatorEmbedRequest): { values: number[] } {
  return { values: emulatedEmbedding(request.text, request.dimensions ?? EMBEDDING_DIMENSIONS, request.taskType, request.title) };
}

/** Answers `POST /{version}/models/{model}:embedContent`: `{"embedding": {"values": [...]}}`. */
export function answerEmbedContent(model: string, version: string, body: unknown, rawBody: string): JsonReply {
  if (!EMBEDDING_MODELS.has(model)) return modelNotFoundError(model, version, 'embedContent');
  const validation = validateEmbedRequest(body, rawBody);
  if (!validation.ok) return validation.error;
  return { status: 200, body: { embedding: contentEmbedding(validation.request) } };
}

/** Answers `POST /{version}/models/{model}:batchEmbedContents`: one embedding per request, in order, and no usage (none is sent). */
export function answerBatchEmbedContents(model: string, version: string, body: unknown, rawBody: string): JsonReply {
  if (!EMBEDDING_MODELS.has(model)) return modelNotFoundError(model, version, 'batchEmbedContents');
  const validation = validateBatchEmbedRequest(body, rawBody, model);
  if (!validation.ok) return validation.error;
  return { status: 200, body: { embeddings: validation.requests.map(contentEmbedding) } };
}
