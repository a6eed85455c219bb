import { z } from 'zod';
import { InvalidRequestError, UpstreamError } from '../../errors/sidecar-error';
import { geminiGenerateContentResponseSchema, geminiUsageSchema } from '../chat-completions/gemini-generate-schema';

const modalityTokensSchema = z.array(z.looseObject({ modality: z.string().nullish(), tokenCount: z.number().nullish() })).nullish();

/** `generateContent` response of an image model: the chat schema plus the per-modality token counts. */
export const geminiImageResponseSchema = geminiGenerateContentResponseSchema.extend({
  usageMetadata: geminiUsageSchema
    .extend({ promptTokensDetails: modalityTokensSchema, candidatesTokensDetails: modalityTokensSchema })
    .nullish(),
});

/** Imagen `:predict` response; a filtered image is an entry with only `raiFilteredReason`. */
export const imagenPredictResponseSchema = z.looseObject({
  predictions: z
    .array(
      z.looseObject({
        bytesBase64Encoded: z.string().nullish(),
        mimeType: z.string().nullish(),
        raiFilteredReason: z.string().nullish(),
        prompt: z.string().nullish(),
      }),
    )
    .nullish(),
});

/** A parsed image-model `generateContent` response. */
export type GeminiImageResponse = z.infer<typeof geminiImageResponseSchema>;
/** A parsed Imagen `:predict` response. */
export type ImagenPredictResponse = z.infer<typeof imagenPredictResponseSchema>;
type GeminiImageUsage = NonNullable<GeminiImageResponse['usageMetadata']>;

/** What came back from Gemini for one images request. */
export type GeminiImagesResult =
  | { kind: 'generateContent'; responses: GeminiImageResponse[] }
  | { kind: 'predict'; response: ImagenPredictResponse };

/** One OpenAI image. */
export interface OpenAIImage {
  b64_json: string;
  revised_prompt?: string;
}

/** gpt-image-1's `usage` shape. */
export interface OpenAIImagesUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details: { text_tokens: number; image_tokens: number };
  output_tokens_details: { text_tokens: number; image_tokens: number };
}

/** OpenAI `ImagesResponse`. */
export interface OpenAIImagesResponse {
  created: number;
  data: OpenAIImage[];
  output_format?: 'png' | 'jpeg' | 'webp';
  usage?: OpenAIImagesUsage;
}

/** The OpenAI answer and what of Gemini's answer it could not carry. */
export interface TranslatedImagesResponse {
  response: OpenAIImagesResponse;
  warnings: string[];
}

/**
 * Finish / block reasons meaning Gemini refused on policy grounds (https://ai.google.dev/api/generate-content#FinishReason);
 * NO_IMAGE, IMAGE_OTHER, OTHER and the like are failures, not refusals.
 */
const REFUSAL_REASONS = new Set([
  'SAFETY',
  'IMAGE_SAFETY',
  'PROHIBITED_CONTENT',
  'IMAGE_PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'IMAGE_RECITATION',
]);

const MIME_TO_OUTPUT_FORMAT: Readonly<Record<string, OpenAIImagesResponse['output_format']>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
};

const MAX_QUOTED_TEXT = 500;

/**
 * Gemini images → OpenAI `ImagesResponse`. Returns every image Gemini made (fewer than `n` is a warning); with none at
 * all a policy refusal is a 400 `content_policy_violation` and anything else a 502 `upstream_no_image`.
 */
export function geminiImagesToOpenAI(result: GeminiImagesResult, created: number): TranslatedImagesResponse {
  return result.kind === 'predict' ? predictionsToOpenAI(result.response, created) : generatedToOpenAI(result.responses, created);
}

interface FoundImage {
  data: string;
  mimeType: string;
}

function generatedToOpenAI(responses: GeminiImageResponse[], created: number): TranslatedImagesResponse {
  const images: FoundImage[] = [];
  const texts: string[] = [];
  const refusals: string[] = [];
  const failures: string[] = [];
  for (const response of responses) {
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason) {
      refusals.push(`prompt blocked (${blockReason})`);
      continue;
    }
    const candidates = response.candidates ?? [];
    if (candidates.length === 0) failures.push('no candidates');
    for (const candidate of candidates) {
      // Gemini 3 image models may show interim images as thought parts; only the final ones are answers.
      const parts = (candidate.content?.parts ?? []).filter((part) => part.thought !== true);
      const found = parts.flatMap((part) => (part.inlineData?.mimeType.startsWith('image/') ? [part.inlineData] : []));
      texts.push(...parts.flatMap((part) => (part.text ? [part.text] : [])));
      images.push(...found);
      if (found.length > 0) continue;
      const reason = candidate.finishReason ?? 'no finishReason';
      const described = candidate.finishMessage ? `${reason}: ${candidate.finishMessage}` : reason;
      (REFUSAL_REASONS.has(reason) ? refusals : failures).push(described);
    }
  }
  const text = texts.join(' ').trim();
  if (images.length === 0) throw noImageError(refusals, failures, text);
  const warnings = [...refusals, ...failures].map((reason) => `a call returned no image (${reason})`);
  if (text) warnings.push('text parts dropped');
  const usage = geminiImageUsageToOpenAI(responses.flatMap((response) => (response.usageMetadata ? [response.usageMetadata] : [])));
  return {
    response: {
      created,
      data: images.map((image) => ({ b64_json: image.data })),
      ...outputFormat(images[0]?.mimeType),
      ...(usage ? { usage } : {}),
    },
    warnings,
  };
}

function predictionsToOpenAI(response: ImagenPredictResponse, created: number): TranslatedImagesResponse {
  const predictions = response.predictions ?? [];
  const images = predictions.flatMap((prediction) => (prediction.bytesBase64Encoded ? [{ ...prediction, data: prediction.bytesBase64Encoded }] : []));
  const filtered = predictions.filter((prediction) => !prediction.bytesBase64Encoded).map((prediction) => prediction.raiFilteredReason ?? 'no reason given');
  if (images.length === 0) {
    const detail = filtered.length > 0 ? filtered.join('; ') : 'Imagen returned no predictions';
    throw new InvalidRequestError(`Imagen's safety filters rejected the request: ${detail}`, null, 'content_policy_violation');
  }
  return {
    response: {
      created,
      // Imagen's `prompt` is the rewritten prompt it actually drew, which is what revised_prompt means.
      data: images.map((image) => ({ b64_json: image.data, ...(image.prompt ? { revised_prompt: image.prompt } : {}) })),
      ...outputFormat(images[0]?.mimeType ?? undefined),
    },
    warnings: filtered.map((reason) => `an image was filtered (${reason})`),
  };
}

function noImageError(refusals: string[], failures: string[], text: string): Error {
  if (refusals.length > 0) {
    return new InvalidRequestError(`Gemini refused to generate the image: ${refusals.join('; ')}`, null, 'content_policy_violation');
  }
  const quoted = text.length > MAX_QUOTED_TEXT ? `${text.slice(0, MAX_QUOTED_TEXT)}…` : text;
  return new UpstreamError(`Gemini returned no image (${failures.join('; ')}).${quoted ? ` It said: ${quoted}` : ''}`, {
    status: 502,
    type: 'api_error',
    code: 'upstream_no_image',
  });
}

function outputFormat(mimeType: string | undefined): Pick<OpenAIImagesResponse, 'output_format'> {
  const format = mimeType ? MIME_TO_OUTPUT_FORMAT[mimeType] : undefined;
  return format ? { output_format: format } : {};
}

/** Summed over every call; thinking counts as output as Gemini bills it, and non-image prompt tokens as text. */
function geminiImageUsageToOpenAI(usages: GeminiImageUsage[]): OpenAIImagesUsage | undefined {
  if (usages.length === 0) return undefined;
  const sum = { input: 0, output: 0, total: 0, inputImage: 0, outputImage: 0 };
  for (const usage of usages) {
    const input = usage.promptTokenCount ?? 0;
    const output = (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
    sum.input += input;
    sum.output += output;
    sum.total += usage.totalTokenCount ?? input + output;
    sum.inputImage += imageTokens(usage.promptTokensDetails);
    sum.outputImage += imageTokens(usage.candidatesTokensDetails);
  }
  return {
    input_tokens: sum.input,
    output_tokens: sum.output,
    total_tokens: sum.total,
    input_tokens_details: { text_tokens: sum.input - sum.inputImage, image_tokens: sum.inputImage },
    output_tokens_details: { text_tokens: sum.output - sum.outputImage, image_tokens: sum.outputImage },
  };
}

function imageTokens(details: GeminiImageUsage['promptTokensDetails']): number {
  return (details ?? []).reduce((total, entry) => total + (entry.modality === 'IMAGE' ? (entry.tokenCount ?? 0) : 0), 0);
}
