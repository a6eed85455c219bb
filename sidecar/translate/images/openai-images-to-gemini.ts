import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig } from '../chat-completions/gemini-generate-schema';
import { capabilitiesFor } from '../models/model-capabilities';
import { parseWithParam } from '../parse-with-param';
import { googleImagesExtensionSchema, type GoogleImagesExtension, type OpenAIImagesRequest } from './openai-images-schema';

/** Which Gemini API serves an image model. */
export type ImageModelFamily = 'gemini' | 'imagen';

// https://ai.google.dev/gemini-api/docs/image-generation#aspect_ratios
const GEMINI_ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
// https://ai.google.dev/gemini-api/docs/imagen#imagen-configuration
const IMAGEN_ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'];
/** Imagen's `sampleCount` range is 1 to 4. */
const MAX_IMAGEN_SAMPLES = 4;

/**
 * OpenAI's fixed sizes → the nearest aspect ratio each family offers. 3:2 and 2:3 (gpt-image) exist on Gemini image
 * models only; Imagen gets 4:3 / 3:4, the closest of its five.
 */
const OPENAI_SIZE_TO_ASPECT_RATIO: Readonly<Record<string, Readonly<Record<ImageModelFamily, string>>>> = {
  '256x256': { gemini: '1:1', imagen: '1:1' },
  '512x512': { gemini: '1:1', imagen: '1:1' },
  '1024x1024': { gemini: '1:1', imagen: '1:1' },
  '1536x1024': { gemini: '3:2', imagen: '4:3' },
  '1024x1536': { gemini: '2:3', imagen: '3:4' },
  '1792x1024': { gemini: '16:9', imagen: '16:9' },
  '1024x1792': { gemini: '9:16', imagen: '9:16' },
};

/** OpenAI parameters with no Gemini counterpart; `auto` is what Gemini does anyway, so it draws no warning. */
const IGNORED_PARAMS = ['quality', 'style', 'user', 'background', 'output_format', 'output_compression', 'moderation', 'partial_images'] as const;

/** `:predict` body for Imagen models (https://ai.google.dev/api/models#method:-models.predict). */
export interface ImagenPredictRequest {
  instances: Array<{ prompt: string }>;
  parameters: { sampleCount: number; aspectRatio?: string; includeRaiReason: boolean };
}

/** The upstream calls an images request turns into, and the request params that were not sent on. */
export type TranslatedImagesRequest =
  | { kind: 'generateContent'; model: string; body: GeminiGenerateContentRequest; calls: number; warnings: string[] }
  | { kind: 'predict'; model: string; body: ImagenPredictRequest; warnings: string[] };

/**
 * OpenAI images request (model already resolved to a Gemini id) → Gemini calls. Gemini image models answer one image
 * per `generateContent` and reject candidateCount > 1, so `n` becomes `n` calls; Imagen takes `sampleCount`.
 */
export function openaiImagesToGemini(request: OpenAIImagesRequest): TranslatedImagesRequest {
  const family = imageModelFamily(request.model);
  const warnings: string[] = [];
  for (const param of IGNORED_PARAMS) {
    const value = request[param];
    if (value != null && value !== 'auto') warnings.push(param);
  }
  if (request.stream === true) {
    throw new InvalidRequestError('Streaming partial images is not supported; omit stream.', 'stream', 'unsupported_parameter');
  }
  if (request.response_format === 'url') {
    throw new InvalidRequestError(
      "response_format 'url' is not supported: the sidecar has no image storage to serve URLs from. Use 'b64_json'.",
      'response_format',
      'unsupported_value',
    );
  }
  const { google, param: googleParam } = readGoogleImagesExtension(request.extra_body, request.google, warnings);
  const aspectRatio = google.aspect_ratio ?? openaiSizeToAspectRatio(request.size, family);
  const n = request.n ?? 1;
  const prompt = request.prompt;
  if (family === 'imagen') {
    if (n > MAX_IMAGEN_SAMPLES) {
      throw new InvalidRequestError(`Imagen models generate 1 to ${MAX_IMAGEN_SAMPLES} images per request; got n=${n}.`, 'n', 'unsupported_value');
    }
    if (google.generation_config != null) warnings.push(`${googleParam}.generation_config`);
    if (google.safety_settings != null) warnings.push(`${googleParam}.safety_settings`);
    const parameters = { sampleCount: n, ...(aspectRatio ? { aspectRatio } : {}), includeRaiReason: true };
    return { kind: 'predict', model: request.model, body: { instances: [{ prompt }], parameters }, warnings };
  }
  const { imageConfig: extraImageConfig, ...extraGeneration } = google.generation_config ?? {};
  const imageConfig = { ...(aspectRatio ? { aspectRatio } : {}), ...asRecord(extraImageConfig) };
  const generationConfig: GeminiGenerationConfig = {
    // Image only, as Google's compat layer asks: commentary text has no place in an OpenAI images response.
    responseModalities: ['IMAGE'],
    ...(Object.keys(imageConfig).length > 0 ? { imageConfig } : {}),
    ...extraGeneration,
  };
  const body: GeminiGenerateContentRequest = {
    contents: [{ role: 'user', parts: [{ text: prompt }] }],
    ...(google.safety_settings ? { safetySettings: google.safety_settings } : {}),
    generationConfig,
  };
  return { kind: 'generateContent', model: request.model, body, calls: n, warnings };
}

/** `gemini` for native image-output models, `imagen` for `:predict` models; anything else cannot make images. */
export function imageModelFamily(model: string): ImageModelFamily {
  if (capabilitiesFor(model).capabilities.output.includes('image')) return 'gemini';
  if (model.startsWith('imagen-')) return 'imagen';
  throw new InvalidRequestError(
    `Model '${model}' cannot generate images. Use a Gemini image model such as gemini-2.5-flash-image, an imagen-* model, or configure an alias.`,
    'model',
    'model_not_supported',
  );
}

/**
 * OpenAI `size` → `aspectRatio`. Accepts OpenAI's fixed sizes, any `WIDTHxHEIGHT` that is exactly a supported ratio
 * (1536x864 is 16:9), and the ratio itself ("16:9"). `auto` or no size leaves the model's default (1:1).
 */
export function openaiSizeToAspectRatio(size: string | null | undefined, family: ImageModelFamily): string | undefined {
  if (size == null) return undefined;
  const normalized = size.trim().toLowerCase();
  if (normalized === 'auto') return undefined;
  const ratios = family === 'gemini' ? GEMINI_ASPECT_RATIOS : IMAGEN_ASPECT_RATIOS;
  const fixed = OPENAI_SIZE_TO_ASPECT_RATIO[normalized]?.[family];
  if (fixed) return fixed;
  if (ratios.includes(normalized)) return normalized;
  const pixels = /^(\d+)x(\d+)$/.exec(normalized);
  if (pixels) {
    const reduced = reducedRatio(Number(pixels[1]), Number(pixels[2]));
    if (reduced && ratios.includes(reduced)) return reduced;
  }
  const sizes = ['auto', ...Object.keys(OPENAI_SIZE_TO_ASPECT_RATIO)].join(', ');
  throw new InvalidRequestError(
    `Unsupported size '${size}'. Supported: ${sizes}; any WIDTHxHEIGHT in, or the ratio itself of: ${ratios.join(', ')}.`,
    'size',
    'unsupported_value',
  );
}

function reducedRatio(width: number, height: number): string | undefined {
  if (width <= 0 || height <= 0) return undefined;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const divisor = gcd(width, height);
  return `${width / divisor}:${height / divisor}`;
}

/**
 * Google's compat keys from `extra_body.google` (or the top-level `google` the Python SDK produces). `aspect_ratio`
 * and `generation_config` go to Gemini unchecked, so ratios newer than the tables above still work.
 */
function readGoogleImagesExtension(
  extraBody: unknown,
  topLevel: unknown,
  warnings: string[],
): { google: GoogleImagesExtension; param: string } {
  const nested = asRecord(extraBody);
  for (const key of Object.keys(nested)) if (key !== 'google') warnings.push(`extra_body.${key}`);
  const raw = topLevel ?? nested.google;
  const param = topLevel != null ? 'google' : 'extra_body.google';
  if (raw == null) return { google: {}, param };
  const google = parseWithParam(googleImagesExtensionSchema, raw, param);
  const known = new Set(Object.keys(googleImagesExtensionSchema.shape));
  for (const key of Object.keys(google)) if (!known.has(key)) warnings.push(`${param}.${key}`);
  return { google, param };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
