import { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiPart } from '../chat-completions/gemini-generate-schema';
import { openaiContentPartToGemini } from '../chat-completions/openai-content-to-gemini';
import { parseWithParam } from '../parse-with-param';
import { MAX_IMAGES_PER_REQUEST } from './openai-images-schema';
import { imageModelFamily, openaiImagesToGemini, type TranslatedImagesRequest } from './openai-images-to-gemini';

/** GPT image models take 1 to 16 input images per edit (CreateImageEditRequest). */
export const MAX_EDIT_IMAGES = 16;
/** The input image types OpenAI accepts for edits. */
const EDIT_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp']);

/** An uploaded input image, already base64 (multipart) or as the JSON variant's URL. */
export type EditImage = { kind: 'bytes'; mimeType: string; base64: string; param: string } | { kind: 'url'; url: string; param: string };

const toNumber = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);

/** The edit fields (multipart text fields or JSON), every one the sidecar reads or knowingly ignores. */
export const openAIImageEditFieldsSchema = z.object({
  model: z.string().min(1),
  prompt: z.string().regex(/\S/, 'must not be empty').max(32_000),
  n: z.preprocess(toNumber, z.number().int().min(1).max(MAX_IMAGES_PER_REQUEST)).nullish(),
  size: z.string().nullish(),
  response_format: z.enum(['b64_json', 'url']).nullish(),
  stream: z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean()).nullish(),
  quality: z.unknown().optional(),
  background: z.unknown().optional(),
  input_fidelity: z.unknown().optional(),
  output_format: z.unknown().optional(),
  output_compression: z.unknown().optional(),
  moderation: z.unknown().optional(),
  partial_images: z.unknown().optional(),
  user: z.unknown().optional(),
});

/** Validated edit fields. */
export type OpenAIImageEditFields = z.infer<typeof openAIImageEditFieldsSchema>;

/** Validates edit fields; a missing model is refused (OpenAI's default gpt-image-1.5 means nothing to Gemini). */
export function parseImageEditFields(raw: Record<string, unknown>): { request: OpenAIImageEditFields; unknownKeys: string[] } {
  if (raw.model == null) {
    throw new InvalidRequestError(
      "Missing required parameter: 'model'. Name a Gemini image model such as gemini-2.5-flash-image.",
      'model',
      'missing_required_parameter',
    );
  }
  const known = new Set([...Object.keys(openAIImageEditFieldsSchema.shape), 'image', 'image[]', 'images', 'mask']);
  return { request: parseWithParam(openAIImageEditFieldsSchema, raw), unknownKeys: Object.keys(raw).filter((key) => !known.has(key)) };
}

/**
 * OpenAI image edit → the same Gemini image-model call as a generation, with the input images as inlineData (or, for
 * JSON URLs, fileData the media edge fetches) before the instruction, as Google's editing guide sends them
 * (https://ai.google.dev/gemini-api/docs/image-generation#image_editing_text-and-image-to-image). Gemini has no mask
 * parameter, so a mask is refused rather than silently turning a masked edit into a whole-image one.
 */
export function openaiImageEditToGemini(request: OpenAIImageEditFields, images: readonly EditImage[], hasMask: boolean): TranslatedImagesRequest & { kind: 'generateContent' } {
  if (hasMask) {
    throw new InvalidRequestError(
      'mask is not supported: Gemini image models have no mask input. Describe the region to change in the prompt ("change only the sky; keep everything else exactly the same").',
      'mask',
      'unsupported_parameter',
    );
  }
  if (images.length === 0) throw new InvalidRequestError("Missing required parameter: 'image'.", 'image', 'missing_required_parameter');
  if (images.length > MAX_EDIT_IMAGES) {
    throw new InvalidRequestError(`At most ${MAX_EDIT_IMAGES} images can be edited together; got ${images.length}.`, 'image', 'invalid_value');
  }
  if (imageModelFamily(request.model) !== 'gemini') {
    throw new InvalidRequestError(`Model '${request.model}' cannot edit images: Imagen edits are not served by the Gemini API. Use a Gemini image model.`, 'model', 'model_not_supported');
  }
  const generation = openaiImagesToGemini({ ...request, prompt: request.prompt });
  if (generation.kind !== 'generateContent') throw new Error('unreachable: Gemini image models use generateContent');
  const warnings = [...generation.warnings, ...(request.input_fidelity != null ? ['input_fidelity'] : [])];
  const imageParts = images.map(editImageToPart);
  const [turn] = generation.body.contents;
  return { ...generation, body: { ...generation.body, contents: [{ role: 'user', parts: [...imageParts, ...(turn?.parts ?? [])] }] }, warnings };
}

function editImageToPart(image: EditImage): GeminiPart {
  if (image.kind === 'url') return openaiContentPartToGemini({ type: 'image_url', image_url: { url: image.url } }, image.param, { remoteUrls: 'fetch', partLevelMedia: false }).part;
  const mimeType = image.mimeType.toLowerCase() === 'image/jpg' ? 'image/jpeg' : image.mimeType.toLowerCase();
  if (!EDIT_IMAGE_TYPES.has(mimeType)) {
    throw new InvalidRequestError(`Invalid image type '${image.mimeType}'. Supported: image/png, image/jpeg, image/webp.`, image.param, 'invalid_value');
  }
  return { inlineData: { mimeType, data: image.base64 } };
}
