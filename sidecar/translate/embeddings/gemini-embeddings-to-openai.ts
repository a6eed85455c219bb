import { z } from 'zod';

/** `batchEmbedContents` response, only what the sidecar reads. */
export const geminiBatchEmbedResponseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
  usageMetadata: z.looseObject({ promptTokenCount: z.number().nullish() }).nullish(),
});

/** A parsed batchEmbedContents response. */
export type GeminiBatchEmbedResponse = z.infer<typeof geminiBatchEmbedResponseSchema>;

/** OpenAI `create embeddings` response. */
export interface OpenAIEmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * The OpenAI SDKs ask for `encoding_format: "base64"` by default and decode it as little-endian float32
 * (openai-node src/core embeddings helper); answering floats to them silently corrupts vectors.
 */
export function float32Base64(values: readonly number[]): string {
  const bytes = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, index) => bytes.setFloat32(index * 4, value, true));
  return Buffer.from(bytes.buffer).toString('base64');
}

/**
 * Batch responses (in input order) → one OpenAI list. The Gemini API returns no token counts for embeddings, so
 * `usage` is Gemini's count when present, else an estimate of one token per four characters (reported as such).
 */
export function geminiEmbeddingsToOpenAI(
  responses: readonly GeminiBatchEmbedResponse[],
  inputs: readonly string[],
  options: { model: string; encodingFormat: 'float' | 'base64' },
): { response: OpenAIEmbeddingsResponse; estimatedUsage: boolean } {
  const vectors = responses.flatMap((response) => response.embeddings.map((embedding) => embedding.values));
  const counted = responses.every((response) => response.usageMetadata?.promptTokenCount != null);
  const promptTokens = counted
    ? responses.reduce((sum, response) => sum + (response.usageMetadata?.promptTokenCount ?? 0), 0)
    : inputs.reduce((sum, input) => sum + Math.ceil(input.length / 4), 0);
  return {
    response: {
      object: 'list',
      data: vectors.map((values, index) => ({
        object: 'embedding',
        index,
        embedding: options.encodingFormat === 'base64' ? float32Base64(values) : values,
      })),
      model: options.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    estimatedUsage: !counted,
  };
}
