import { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig, GeminiThinkingConfig } from './gemini-generate-schema';

const thinkingConfigSchema = z
  .object({
    thinking_budget: z.number().int().min(-1).nullish(),
    thinking_level: z.string().nullish(),
    include_thoughts: z.boolean().nullish(),
  })
  .strict();

const googleSchema = z.looseObject({
  cached_content: z.string().min(1).nullish(),
  safety_settings: z.array(z.looseObject({ category: z.string(), threshold: z.string() })).nullish(),
  thinking_config: thinkingConfigSchema.nullish(),
  response_modalities: z.array(z.enum(['TEXT', 'IMAGE', 'AUDIO', 'text', 'image', 'audio'])).nullish(),
  image_config: z.looseObject({ aspect_ratio: z.string().nullish(), image_size: z.string().nullish() }).nullish(),
});

const KNOWN_KEYS = new Set(Object.keys(googleSchema.shape));

/** Gemini-only settings a client asked for through `extra_body.google` (or the top-level `google` key). */
export interface GoogleExtensions {
  request: Pick<GeminiGenerateContentRequest, 'cachedContent' | 'safetySettings'>;
  generation: Pick<GeminiGenerationConfig, 'responseModalities' | 'imageConfig'>;
  thinking?: GeminiThinkingConfig;
}

/**
 * Reads Google's documented `extra_body.google` keys (https://ai.google.dev/gemini-api/docs/openai#extra-body):
 * snake_case in, camelCase out. Raw REST clients nest it under `extra_body`; the Python SDK merges `extra_body` into
 * the JSON, so it also arrives as a top-level `google`.
 */
export function readGoogleExtensions(extraBody: unknown, topLevel: unknown, warnings: string[]): GoogleExtensions {
  const nested = extraBody && typeof extraBody === 'object' ? (extraBody as Record<string, unknown>) : {};
  for (const key of Object.keys(nested)) if (key !== 'google') warnings.push(`extra_body.${key}`);
  const raw = topLevel ?? nested.google;
  const param = topLevel != null ? 'google' : 'extra_body.google';
  if (raw == null) return { request: {}, generation: {} };
  const result = googleSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [param, ...(issue?.path ?? []).map(String)].join('.');
    throw new InvalidRequestError(`Invalid value for '${path}': ${issue?.message ?? 'invalid'}.`, path, 'invalid_value');
  }
  const google = result.data;
  for (const key of Object.keys(google)) if (!KNOWN_KEYS.has(key)) warnings.push(`${param}.${key}`);
  const extensions: GoogleExtensions = { request: {}, generation: {} };
  if (google.cached_content) extensions.request.cachedContent = google.cached_content;
  if (google.safety_settings) extensions.request.safetySettings = google.safety_settings;
  if (google.response_modalities) {
    extensions.generation.responseModalities = google.response_modalities.map((modality) => modality.toUpperCase() as 'TEXT' | 'IMAGE' | 'AUDIO');
  }
  if (google.image_config) {
    const { aspect_ratio, image_size, ...rest } = google.image_config;
    extensions.generation.imageConfig = {
      ...rest,
      ...(aspect_ratio ? { aspectRatio: aspect_ratio } : {}),
      ...(image_size ? { imageSize: image_size } : {}),
    };
  }
  if (google.thinking_config) extensions.thinking = thinkingConfigToGemini(google.thinking_config, `${param}.thinking_config`);
  return extensions;
}

function thinkingConfigToGemini(config: z.infer<typeof thinkingConfigSchema>, param: string): GeminiThinkingConfig {
  // "You cannot use both thinking_level and the legacy thinking_budget parameter in the same request" (Gemini 3 guide).
  if (config.thinking_budget != null && config.thinking_level != null) {
    throw new InvalidRequestError('Set thinking_level or thinking_budget, not both.', param, 'invalid_value');
  }
  const thinking: GeminiThinkingConfig = {};
  if (config.thinking_budget != null) thinking.thinkingBudget = config.thinking_budget;
  if (config.thinking_level != null) {
    const level = config.thinking_level.toUpperCase();
    if (!['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'].includes(level)) {
      throw new InvalidRequestError('thinking_level must be minimal, low, medium or high.', `${param}.thinking_level`, 'invalid_value');
    }
    thinking.thinkingLevel = level as GeminiThinkingConfig['thinkingLevel'];
  }
  if (config.include_thoughts != null) thinking.includeThoughts = config.include_thoughts;
  return thinking;
}
