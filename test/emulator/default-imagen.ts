import { TINY_PNG_BASE64 } from './default-media';
import { IMAGEN_MODELS } from './emulated-model';
import { fieldViolationsError, googleError, invalidArgument, modelNotFoundError, type GoogleErrorReply } from './google-error';
import type { JsonReply } from './google-json';
import { field, isRecord, recordField } from './request-fields';

/** A real 1×1 baseline JPEG (159 bytes, one mid-grey pixel), sent when `outputOptions.mimeType` is image/jpeg. */
export const TINY_JPEG_BASE64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z';

/** The raiFilteredReason Imagen sends in place of images when every one was filtered (googleapis/js-genai#321). */
export const IMAGEN_FILTERED_REASON =
  "Unable to show generated images. All images were filtered out because they violated Vertex AI's usage guidelines. You will not be charged for blocked images. Try rephrasing the prompt. If you think this was an error, send feedback. Support codes: 29310472";

// https://ai.google.dev/gemini-api/docs/imagen#imagen-configuration: numberOfImages 1–4 (default 4), these ratios,
// personGeneration dont_allow | allow_adult (default) | allow_all.
const DEFAULT_SAMPLE_COUNT = 4;
const MAX_SAMPLE_COUNT = 4;
const ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'];
const PERSON_GENERATION = ['dont_allow', 'allow_adult', 'allow_all'];
const MIME_TYPES = ['image/png', 'image/jpeg'];

/** What the emulator reads from a predict body, after validation. */
export interface EmulatorPredictRequest {
  prompt: string;
  sampleCount: number;
  mimeType: string;
}

/** Outcome of validating a predict body. */
export type PredictValidation = { ok: true; request: EmulatorPredictRequest } | { ok: false; error: GoogleErrorReply };

// instances and parameters are google.protobuf.Value, so unknown keys inside them parse; only the request is strict.
// The wording of the checks below is not recorded from Google; each names the offending field and value.
function invalid(message: string): PredictValidation {
  return { ok: false, error: googleError(400, 'INVALID_ARGUMENT', message) };
}

function readInstance(instances: unknown): { prompt: string } | PredictValidation {
  if (!Array.isArray(instances) || instances.length === 0) {
    return { ok: false, error: fieldViolationsError(['PredictRequest.instances: instances is not specified']) };
  }
  if (instances.length > 1) return invalid(`Only one instance is supported per request, got ${instances.length}.`);
  const [instance] = instances as unknown[];
  const prompt = isRecord(instance) ? instance.prompt : undefined;
  if (typeof prompt !== 'string' || prompt.trim() === '') return invalid('instances[0].prompt must be a non-empty string.');
  return { prompt };
}

function readParameters(parameters: Record<string, unknown>): Omit<EmulatorPredictRequest, 'prompt'> | PredictValidation {
  const sampleCount = field(parameters, 'sampleCount') ?? DEFAULT_SAMPLE_COUNT;
  if (typeof sampleCount !== 'number' || !Number.isInteger(sampleCount) || sampleCount < 1 || sampleCount > MAX_SAMPLE_COUNT) {
    return invalid(`sampleCount must be an integer in the range [1, ${MAX_SAMPLE_COUNT}], got ${JSON.stringify(sampleCount)}.`);
  }
  const aspectRatio = field(parameters, 'aspectRatio');
  if (aspectRatio !== undefined && !ASPECT_RATIOS.includes(String(aspectRatio))) {
    return invalid(`Unsupported aspectRatio ${JSON.stringify(aspectRatio)}. Supported values: ${ASPECT_RATIOS.join(', ')}.`);
  }
  const personGeneration = field(parameters, 'personGeneration');
  if (personGeneration !== undefined && !PERSON_GENERATION.includes(String(personGeneration).toLowerCase())) {
    return invalid(`Unsupported personGeneration ${JSON.stringify(personGeneration)}. Supported values: ${PERSON_GENERATION.join(', ')}.`);
  }
  const mimeType = field(recordField(parameters, 'outputOptions') ?? {}, 'mimeType') ?? 'image/png';
  if (typeof mimeType !== 'string' || !MIME_TYPES.includes(mimeType)) {
    return invalid(`Unsupported outputOptions.mimeType ${JSON.stringify(mimeType)}. Supported values: ${MIME_TYPES.join(', ')}.`);
  }
  return { sampleCount, mimeType };
}

/** Validates an Imagen `:predict` body: one instance with a prompt, and the documented parameter ranges. */
export function validatePredictRequest(body: unknown, rawBody: string): PredictValidation {
  if (rawBody.trim() !== '' && !isRecord(body)) return { ok: false, error: invalidArgument(['Invalid JSON payload received. Unexpected token.']) };
  const record = isRecord(body) ? body : {};
  const unknown = Object.keys(record).filter((key) => !['model', 'instances', 'parameters'].includes(key));
  if (unknown.length > 0) {
    return { ok: false, error: invalidArgument(unknown.map((key) => `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`)) };
  }
  const instance = readInstance(record.instances);
  if ('ok' in instance) return instance;
  if (record.parameters !== undefined && !isRecord(record.parameters)) return invalid('parameters must be an object.');
  const parameters = readParameters(isRecord(record.parameters) ? record.parameters : {});
  if ('ok' in parameters) return parameters;
  return { ok: true, request: { prompt: instance.prompt, ...parameters } };
}

/**
 * Answers `POST /{version}/models/imagen-4.0-*:predict` with `sampleCount` tiny images; a prompt containing `[safety]`
 * gets a single prediction carrying only raiFilteredReason, as Imagen answers when it filters every image.
 */
export function answerPredict(model: string, version: string, body: unknown, rawBody: string): JsonReply {
  if (!IMAGEN_MODELS.has(model)) return modelNotFoundError(model, version, 'predict');
  const validation = validatePredictRequest(body, rawBody);
  if (!validation.ok) return validation.error;
  const { prompt, sampleCount, mimeType } = validation.request;
  if (prompt.includes('[safety]')) return { status: 200, body: { predictions: [{ raiFilteredReason: IMAGEN_FILTERED_REASON }] } };
  const bytesBase64Encoded = mimeType === 'image/jpeg' ? TINY_JPEG_BASE64 : TINY_PNG_BASE64;
  return { status: 200, body: { predictions: Array.from({ length: sampleCount }, () => ({ bytesBase64Encoded, mimeType })) } };
}
