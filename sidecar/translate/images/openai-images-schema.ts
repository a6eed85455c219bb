import { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import { parseRequestBody } from '../parse-with-param';

/** OpenAI's limit for `n` on `POST /v1/images/generations`. */
export const MAX_IMAGES_PER_REQUEST = 10;

/** Inbound `POST /v1/images/generations` body: every field the sidecar reads or knowingly ignores. */
export const openAIImagesRequestSchema = z.object({
  model: z.string().min(1),
  prompt: z.string().regex(/\S/, 'must not be empty'),
  n: z.number().int().min(1).max(MAX_IMAGES_PER_REQUEST).nullish(),
  size: z.string().nullish(),
  response_format: z.enum(['b64_json', 'url']).nullish(),
  stream: z.boolean().nullish(),
  extra_body: z.unknown().optional(),
  // The Python SDK merges extra_body into the JSON, so `extra_body={"google": …}` arrives as a top-level key.
  google: z.unknown().optional(),
  // Accepted and dropped with a warning: Gemini image models have no counterpart.
  quality: z.unknown().optional(),
  style: z.unknown().optional(),
  user: z.unknown().optional(),
  background: z.unknown().optional(),
  output_format: z.unknown().optional(),
  output_compression: z.unknown().optional(),
  moderation: z.unknown().optional(),
  partial_images: z.unknown().optional(),
});

/** A validated images request. */
export type OpenAIImagesRequest = z.infer<typeof openAIImagesRequestSchema>;

/** Google's compat `extra_body.google` keys for images (https://ai.google.dev/gemini-api/docs/openai#extra-body). */
export const googleImagesExtensionSchema = z.looseObject({
  aspect_ratio: z.string().min(1).nullish(),
  generation_config: z.record(z.string(), z.unknown()).nullish(),
  safety_settings: z.array(z.looseObject({ category: z.string(), threshold: z.string() })).nullish(),
});

/** Validated `extra_body.google` of an images request. */
export type GoogleImagesExtension = z.infer<typeof googleImagesExtensionSchema>;

/**
 * Validates an inbound body; the first problem becomes a 400 naming its `param`. A missing `model` is refused instead
 * of defaulting: OpenAI's default (dall-e-2) means nothing to Gemini.
 */
export function parseOpenAIImagesRequest(body: unknown): { request: OpenAIImagesRequest; unknownKeys: string[] } {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && (body as Record<string, unknown>).model == null) {
    throw new InvalidRequestError(
      "Missing required parameter: 'model'. Name a Gemini image model such as gemini-2.5-flash-image (OpenAI's default dall-e-2 is not served).",
      'model',
      'missing_required_parameter',
    );
  }
  return parseRequestBody(openAIImagesRequestSchema, body);
}
