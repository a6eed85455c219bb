import { z } from 'zod';

/** Inbound `POST /v1/embeddings` body. Token-id arrays are accepted here so the translator can refuse them by name. */
export const openAIEmbeddingsRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.unknown().optional(),
  extra_body: z.unknown().optional(),
  google: z.unknown().optional(),
});

/** A validated embeddings request. */
export type OpenAIEmbeddingsRequest = z.infer<typeof openAIEmbeddingsRequestSchema>;

