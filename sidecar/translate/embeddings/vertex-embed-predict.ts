import { z } from 'zod';
import type { GeminiBatchEmbedResponse } from './gemini-embeddings-to-openai';
import type { TranslatedEmbeddingsRequest } from './openai-embeddings-to-gemini';

/**
 * Instances one Vertex `:predict` takes: gemini-embedding-001 "takes one input at a time", text-embedding-005/004 and
 * text-multilingual-embedding-002 up to 250 (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api).
 */
export function vertexEmbedInstanceLimit(model: string): number {
  return model.startsWith('gemini-embedding') ? 1 : 250;
}

/** One Vertex text-embeddings `:predict` body. */
export interface VertexEmbedPredictRequest {
  instances: Array<{ content: string; task_type?: string; title?: string }>;
  parameters?: { outputDimensionality: number };
}

/** The batchEmbedContents requests of a translated embeddings request, regrouped as Vertex `:predict` bodies, in input order. */
export function geminiEmbedBatchesToVertexPredict(batches: TranslatedEmbeddingsRequest['batches'], model: string): VertexEmbedPredictRequest[] {
  const requests = batches.flatMap((batch) => batch.requests);
  const limit = vertexEmbedInstanceLimit(model);
  const bodies: VertexEmbedPredictRequest[] = [];
  for (let start = 0; start < requests.length; start += limit) {
    const slice = requests.slice(start, start + limit);
    const dimensions = slice[0]?.outputDimensionality;
    bodies.push({
      instances: slice.map((request) => ({
        content: request.content.parts.map((part) => part.text).join(''),
        ...(request.taskType ? { task_type: request.taskType } : {}),
        ...(request.title ? { title: request.title } : {}),
      })),
      ...(dimensions != null ? { parameters: { outputDimensionality: dimensions } } : {}),
    });
  }
  return bodies;
}

/** Vertex `:predict` embeddings answer, only what the sidecar reads. */
export const vertexEmbedPredictResponseSchema = z.looseObject({
  predictions: z.array(
    z.looseObject({
      embeddings: z.looseObject({
        values: z.array(z.number()),
        statistics: z.looseObject({ token_count: z.number().nullish() }).nullish(),
      }),
    }),
  ),
});

/** A parsed Vertex embeddings answer. */
export type VertexEmbedPredictResponse = z.infer<typeof vertexEmbedPredictResponseSchema>;

/** A Vertex `:predict` answer in batchEmbedContents form; Vertex counts tokens per instance, so usage is their sum. */
export function vertexPredictToGeminiBatch(response: VertexEmbedPredictResponse): GeminiBatchEmbedResponse {
  const counts = response.predictions.map((prediction) => prediction.embeddings.statistics?.token_count);
  const counted = counts.every((count) => typeof count === 'number');
  return {
    embeddings: response.predictions.map((prediction) => ({ values: prediction.embeddings.values })),
    ...(counted ? { usageMetadata: { promptTokenCount: counts.reduce<number>((sum, count) => sum + (count ?? 0), 0) } } : {}),
  };
}
