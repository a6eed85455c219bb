import { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import type { OpenAIEmbeddingsRequest } from './openai-embeddings-schema';

/** batchEmbedContents takes at most 100 requests: "at most 100 requests can be in one batch" (400 otherwise). */
export const MAX_BATCH_SIZE = 100;

/** Gemini task types: https://ai.google.dev/gemini-api/docs/embeddings#task-types */
const TASK_TYPES = [
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
] as const;

const googleEmbeddingSchema = z.looseObject({
  task_type: z.string().nullish(),
  title: z.string().nullish(),
});

/** One `batchEmbedContents` request entry. */
export interface GeminiEmbedRequest {
  model: string;
  content: { parts: Array<{ text: string }> };
  taskType?: string;
  title?: string;
  outputDimensionality?: number;
}

/** The upstream calls an embeddings request turns into. */
export interface TranslatedEmbeddingsRequest {
  /** Bodies for `:batchEmbedContents`, in input order, at most MAX_BATCH_SIZE each. */
  batches: Array<{ requests: GeminiEmbedRequest[] }>;
  inputs: string[];
  encodingFormat: 'float' | 'base64';
  warnings: string[];
}

/** OpenAI embeddings request → batchEmbedContents bodies. Pure; refuses token ids and empty input with a 400. */
export function openaiEmbeddingsToGemini(
  request: OpenAIEmbeddingsRequest,
  model: string,
  defaults: { dimensions?: number } = {},
): TranslatedEmbeddingsRequest {
  const inputs = readInputs(request.input);
  const warnings: string[] = [];
  if (request.user != null) warnings.push('user');
  const google = readGoogle(request, warnings);
  const dimensions = request.dimensions ?? defaults.dimensions;
  const entry = (text: string): GeminiEmbedRequest => ({
    model: `models/${model}`,
    content: { parts: [{ text }] },
    ...(google.taskType ? { taskType: google.taskType } : {}),
    ...(google.title ? { title: google.title } : {}),
    ...(dimensions != null ? { outputDimensionality: dimensions } : {}),
  });
  const batches: TranslatedEmbeddingsRequest['batches'] = [];
  for (let start = 0; start < inputs.length; start += MAX_BATCH_SIZE) {
    batches.push({ requests: inputs.slice(start, start + MAX_BATCH_SIZE).map(entry) });
  }
  return { batches, inputs, encodingFormat: request.encoding_format ?? 'float', warnings };
}

function readInputs(input: OpenAIEmbeddingsRequest['input']): string[] {
  const list = typeof input === 'string' ? [input] : input;
  if (list.length === 0) throw new InvalidRequestError("'input' must not be empty.", 'input', 'invalid_value');
  return list.map((item, index) => {
    if (typeof item !== 'string') {
      throw new InvalidRequestError(
        'Token-id input is not supported: Gemini embeds text, not OpenAI token ids. Send strings.',
        typeof input === 'string' ? 'input' : `input[${index}]`,
        'unsupported_input',
      );
    }
    if (item.length === 0) {
      throw new InvalidRequestError("'input' must not contain empty strings.", typeof input === 'string' ? 'input' : `input[${index}]`, 'invalid_value');
    }
    return item;
  });
}

function readGoogle(request: OpenAIEmbeddingsRequest, warnings: string[]): { taskType?: string; title?: string } {
  const nested = request.extra_body && typeof request.extra_body === 'object' ? (request.extra_body as Record<string, unknown>).google : undefined;
  const raw = request.google ?? nested;
  if (raw == null) return {};
  const param = request.google != null ? 'google' : 'extra_body.google';
  const parsed = googleEmbeddingSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidRequestError(`Invalid value for '${param}'.`, param, 'invalid_value');
  for (const key of Object.keys(parsed.data)) if (key !== 'task_type' && key !== 'title') warnings.push(`${param}.${key}`);
  const taskType = parsed.data.task_type?.toUpperCase();
  if (taskType && !(TASK_TYPES as readonly string[]).includes(taskType)) {
    throw new InvalidRequestError(`task_type must be one of ${TASK_TYPES.join(', ')}.`, `${param}.task_type`, 'invalid_value');
  }
  return { ...(taskType ? { taskType } : {}), ...(parsed.data.title ? { title: parsed.data.title } : {}) };
}
