import { fieldViolationsError, googleError, invalidArgument, type GoogleErrorReply } from './google-error';
import { field, isRecord, snakeCase, type JsonObject } from './request-fields';
import { PART_DATA_FIELDS, validatePartShapes, type PartList } from './validate-parts';

/** The TaskType enum of https://ai.google.dev/api/embeddings#tasktype. */
export const EMBEDDING_TASK_TYPES: readonly string[] = [
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
];

/** What the emulator reads from one EmbedContentRequest, after validation. */
export interface EmulatorEmbedRequest {
  /** The text parts, concatenated. */
  text: string;
  taskType?: string;
  title?: string;
  /** outputDimensionality, when set. */
  dimensions?: number;
}

/** Outcome of validating an embedContent body. */
export type EmbedValidation = { ok: true; request: EmulatorEmbedRequest } | { ok: false; error: GoogleErrorReply };
/** Outcome of validating a batchEmbedContents body. */
export type BatchEmbedValidation = { ok: true; requests: EmulatorEmbedRequest[] } | { ok: false; error: GoogleErrorReply };

const MAX_DIMENSIONS = 3072;
const MAX_BATCH_REQUESTS = 100;
const PROTO = 'type.googleapis.com/google.ai.generativelanguage.v1beta';
const bothSpellings = (names: string[]): Set<string> => new Set(names.flatMap((name) => [name, snakeCase(name)]));
// `embedContentConfig` is where current docs put the settings; the top-level ones still work (deprecated).
const REQUEST_FIELDS = bothSpellings(['model', 'content', 'taskType', 'title', 'outputDimensionality', 'embedContentConfig']);
const CONFIG_FIELDS = bothSpellings(['taskType', 'title', 'outputDimensionality', 'autoTruncate']);

/** Where one request sits: `at` is its proto path ('' or 'requests[3]'), `label` its name in `* <label>.<field>:` lines. */
interface Location {
  at: string;
  label: string;
}

/** Everything wrong with one request, by stage: proto-JSON parse problems first, then semantic violations. */
interface Inspection {
  parse: Array<{ field?: string; message: string }>;
  violations: string[];
  parts?: PartList;
  request: EmulatorEmbedRequest;
}

const pathOf = (...segments: string[]): string => segments.filter((segment) => segment !== '').join('.');

function unknownNames(record: JsonObject, known: Set<string>, at: string): Inspection['parse'] {
  return Object.keys(record)
    .filter((key) => !known.has(key))
    .map((key) =>
      at === ''
        ? { message: `Invalid JSON payload received. Unknown name "${key}": Cannot find field.` }
        : { field: at, message: `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.` },
    );
}

/**
 * Reads taskType / title / outputDimensionality from `source`, which sits at `relative` ('' for the request itself,
 * 'embed_content_config' for its config) inside the request at `location`.
 */
function readSettings(inspection: Inspection, source: JsonObject, location: Location, relative: string): void {
  const invalid = (name: string, type: string, value: unknown): void => {
    const path = pathOf(location.at, relative, name);
    inspection.parse.push({ field: path, message: `Invalid value at '${path}' (${type}), ${JSON.stringify(value)}` });
  };
  const taskType = field(source, 'taskType');
  if (typeof taskType === 'string' && EMBEDDING_TASK_TYPES.includes(taskType)) inspection.request.taskType = taskType;
  else if (taskType !== undefined) invalid('task_type', `${PROTO}.TaskType`, taskType);
  const title = field(source, 'title');
  if (typeof title === 'string') inspection.request.title = title;
  else if (title !== undefined) invalid('title', 'TYPE_STRING', title);
  const raw = field(source, 'outputDimensionality');
  // proto3 JSON accepts int32 as a number or a decimal string.
  const dimensions = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof dimensions === 'number' && Number.isInteger(dimensions)) {
    inspection.request.dimensions = dimensions;
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      // Google's wording for this range check is not recorded; this follows its `* <Request>.<field>: …` form.
      const path = `${location.label}.${pathOf(relative, 'output_dimensionality')}`;
      inspection.violations.push(`${path}: output_dimensionality must be in the range [1, ${MAX_DIMENSIONS}], got ${dimensions}.`);
    }
  } else if (raw !== undefined) invalid('output_dimensionality', 'TYPE_INT32', raw);
  const autoTruncate = field(source, 'autoTruncate');
  if (autoTruncate !== undefined && typeof autoTruncate !== 'boolean') invalid('auto_truncate', 'TYPE_BOOL', autoTruncate);
}

function hasData(part: unknown): boolean {
  return isRecord(part) && PART_DATA_FIELDS.some((name) => field(part, name) !== undefined);
}

function readContent(inspection: Inspection, record: JsonObject, { at, label }: Location): void {
  const content = record.content;
  const parts = isRecord(content) ? content.parts : undefined;
  if (!isRecord(content)) inspection.violations.push(`${label}.content: content is not specified`);
  else if (!Array.isArray(parts) || parts.length === 0) inspection.violations.push(`${label}.content.parts: content.parts must not be empty.`);
  else {
    parts.forEach((part: unknown, index) => {
      if (!hasData(part)) inspection.violations.push(`${label}.content.parts[${index}].data: required oneof field 'data' must have one initialized field`);
    });
    inspection.parts = { parts, path: pathOf(at, 'content') };
    inspection.request.text = parts.map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
  }
}

function inspect(record: JsonObject, location: Location): Inspection {
  const inspection: Inspection = { parse: unknownNames(record, REQUEST_FIELDS, location.at), violations: [], request: { text: '' } };
  readSettings(inspection, record, location, '');
  const config = field(record, 'embedContentConfig');
  const configAt = pathOf(location.at, 'embed_content_config');
  if (isRecord(config)) {
    inspection.parse.push(...unknownNames(config, CONFIG_FIELDS, configAt));
    readSettings(inspection, config, location, 'embed_content_config');
  } else if (config !== undefined) {
    inspection.parse.push({ field: configAt, message: `Invalid value at '${configAt}' (${PROTO}.EmbedContentConfig), ${JSON.stringify(config)}` });
  }
  readContent(inspection, record, location);
  return inspection;
}

/** Google's stage order: parse problems, then `* …` violations, then part shapes, then empty text. */
function firstError(inspections: Array<{ inspection: Inspection; location: Location }>, requestName: string): GoogleErrorReply | undefined {
  const parse = inspections.flatMap(({ inspection }) => inspection.parse);
  if (parse.length > 0) return invalidArgument(parse.map((problem) => problem.message), parse.map((problem) => problem.field));
  const violations = inspections.flatMap(({ inspection }) => inspection.violations);
  if (violations.length > 0) return fieldViolationsError(violations);
  const shapeError = validatePartShapes(inspections.flatMap(({ inspection }) => (inspection.parts ? [inspection.parts] : [])), requestName);
  if (shapeError) return shapeError;
  const empty = inspections.find(({ inspection }) => inspection.request.text === '' || inspection.parts?.parts.some((part) => isRecord(part) && part.text === ''));
  // Observed wording (lingfengQAQ/webnovel-writer#49, via the OpenAI-compatible endpoint).
  return empty ? googleError(400, 'INVALID_ARGUMENT', `${empty.location.label}.content contains an empty Part.`) : undefined;
}

function isJsonObjectBody(body: unknown, rawBody: string): boolean {
  return rawBody.trim() === '' || isRecord(body);
}

/** Validates an embedContent body the way Google does; a `model` field is accepted, the URL's model wins. */
export function validateEmbedRequest(body: unknown, rawBody: string): EmbedValidation {
  if (!isJsonObjectBody(body, rawBody)) return { ok: false, error: invalidArgument(['Invalid JSON payload received. Unexpected token.']) };
  const location = { at: '', label: 'EmbedContentRequest' };
  const inspection = inspect(isRecord(body) ? body : {}, location);
  const error = firstError([{ inspection, location }], location.label);
  return error ? { ok: false, error } : { ok: true, request: inspection.request };
}

function modelViolation(value: unknown, model: string): string | undefined {
  // Both wordings were observed live by third-party Gemini adapters (2026), e.g. `requests[9].model: unexpected model name format`.
  if (value === undefined || value === '') return 'model is not specified';
  if (typeof value !== 'string' || !/^models\/[^/]+$/.test(value)) return 'unexpected model name format';
  // https://ai.google.dev/api/embeddings#method:-models.batchembedcontents: "The model in each of these requests must
  // match the model specified BatchEmbedContentsRequest.model". Google's wording for this case is not recorded.
  return value === `models/${model}` ? undefined : `model "${value}" does not match BatchEmbedContentsRequest.model "models/${model}"`;
}

/** Validates a batchEmbedContents body for `model` (from the URL) the way Google does, 100-request cap included. */
export function validateBatchEmbedRequest(body: unknown, rawBody: string, model: string): BatchEmbedValidation {
  if (!isJsonObjectBody(body, rawBody)) return { ok: false, error: invalidArgument(['Invalid JSON payload received. Unexpected token.']) };
  const record = isRecord(body) ? body : {};
  const unknown = unknownNames(record, new Set(['requests', 'model']), '');
  if (unknown.length > 0) return { ok: false, error: invalidArgument(unknown.map((problem) => problem.message)) };
  const requests = record.requests;
  if (requests !== undefined && !Array.isArray(requests)) {
    return { ok: false, error: invalidArgument([`Invalid value at 'requests' (${PROTO}.EmbedContentRequest), ${JSON.stringify(requests)}`], ['requests']) };
  }
  if (!Array.isArray(requests) || requests.length === 0) {
    return { ok: false, error: fieldViolationsError(['BatchEmbedContentsRequest.requests: requests is not specified']) };
  }
  // vercel-ai/google-embedding-batch-limit-error.json, issue-16101-google-batch-embed-150-error.json
  if (requests.length > MAX_BATCH_REQUESTS) {
    return { ok: false, error: fieldViolationsError([`BatchEmbedContentsRequest.requests: at most ${MAX_BATCH_REQUESTS} requests can be in one batch`]) };
  }
  const inspections = requests.map((request: unknown, index) => {
    const location = { at: `requests[${index}]`, label: `BatchEmbedContentsRequest.requests[${index}]` };
    if (!isRecord(request)) {
      const message = `Invalid value at '${location.at}' (${PROTO}.EmbedContentRequest), ${JSON.stringify(request)}`;
      return { location, inspection: { parse: [{ field: location.at, message }], violations: [], request: { text: '' } } };
    }
    const inspection = inspect(request, location);
    const problem = modelViolation(request.model, model);
    if (problem) inspection.violations.unshift(`${location.label}.model: ${problem}`);
    return { location, inspection };
  });
  const error = firstError(inspections, 'BatchEmbedContentsRequest');
  return error ? { ok: false, error } : { ok: true, requests: inspections.map(({ inspection }) => inspection.request) };
}
