import { emulatedEmbedding, EMBEDDING_DIMENSIONS } from './default-embeddings';
import { EMBEDDING_MODELS } from './emulated-model';
import { googleError, invalidArgument, type GoogleErrorReply } from './google-error';
import type { JsonReply } from './google-json';
import { MODEL_CATALOG, type GoogleModel } from './model-catalog';
import { isRecord } from './request-fields';

// Vertex AI as the emulator speaks it (https://cloud.google.com/vertex-ai/docs/reference/rest): the same model
// methods under project/location paths (OAuth bearer) or bare publisher paths (express-mode API key), publisher-model
// listing under v1beta1, text-embedding `:predict`, and the few request fields Vertex refuses.

/** A Vertex path, and the Developer-API path the emulator's default behaviour answers it as. */
export interface VertexRoute {
  /** `adc`: projects/{p}/locations/{l}/… with a bearer token; `express`: publishers/… with an API key. */
  auth: 'adc' | 'express';
  project?: string;
  location?: string;
  /** e.g. `/v1beta/models/gemini-2.5-flash:generateContent`, or `/v1beta/models` for a listing. */
  developerPath: string;
  /** `list` and `get` answer PublisherModel objects. */
  kind: 'call' | 'list' | 'get';
  model?: string;
  method?: string;
}

const SCOPED_CALL = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;
const EXPRESS_CALL = /^\/(v1|v1beta1)\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;
const PUBLISHER_LIST = /^\/v1beta1\/publishers\/google\/models$/;
const PUBLISHER_GET = /^\/v1beta1\/publishers\/google\/models\/([^/:]+)$/;

/** The Vertex route of a pathname, or undefined for Developer-API (and unknown) paths. */
export function vertexRoute(pathname: string): VertexRoute | undefined {
  const scoped = SCOPED_CALL.exec(pathname);
  if (scoped) {
    const [, , project, location, model, method] = scoped as unknown as [string, string, string, string, string, string];
    return { auth: 'adc', project, location, kind: 'call', model, method, developerPath: `/v1beta/models/${model}:${method}` };
  }
  const express = EXPRESS_CALL.exec(pathname);
  if (express) {
    const [, , model, method] = express as unknown as [string, string, string, string];
    return { auth: 'express', kind: 'call', model, method, developerPath: `/v1beta/models/${model}:${method}` };
  }
  if (PUBLISHER_LIST.test(pathname)) return { auth: 'adc', kind: 'list', developerPath: '/v1beta/models' };
  const get = PUBLISHER_GET.exec(pathname);
  if (get) return { auth: 'adc', kind: 'get', model: get[1], developerPath: `/v1beta/models/${get[1]}` };
  return undefined;
}

/** 401 as Google answers a missing, expired or unknown OAuth token. */
export function unauthenticatedError(): GoogleErrorReply {
  return googleError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  );
}

/** The bearer token of a request, if any. */
export function bearerToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  return /^Bearer\s+(\S+)$/i.exec(value ?? '')?.[1];
}

/** Preview models are served from `global` only (https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations). */
export function locationError(route: VertexRoute): GoogleErrorReply | undefined {
  if (route.location === undefined || route.location === 'global' || !route.model?.includes('preview')) return undefined;
  return googleError(
    404,
    'NOT_FOUND',
    `Publisher Model \`projects/${route.project}/locations/${route.location}/publishers/google/models/${route.model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version.`,
  );
}

function publisherModel(model: GoogleModel): Record<string, unknown> {
  return {
    name: `publishers/google/models/${model.name.replace(/^models\//, '')}`,
    versionId: model.version,
    openSourceCategory: 'PROPRIETARY',
    launchStage: model.name.includes('preview') ? 'PUBLIC_PREVIEW' : 'GA',
    publisherModelTemplate: `projects/{project}/locations/{location}/publishers/google/models/${model.name.replace(/^models\//, '')}@${model.version}`,
  };
}

/** `GET v1beta1/publishers/google/models` (one page, the whole catalogue) or `…/models/{m}`. */
export function answerPublisherModels(route: VertexRoute): JsonReply {
  if (route.kind === 'list') return { status: 200, body: { publisherModels: MODEL_CATALOG.map(publisherModel) } };
  const entry = MODEL_CATALOG.find((candidate) => candidate.name === `models/${route.model}`);
  if (entry) return { status: 200, body: publisherModel(entry) };
  return googleError(404, 'NOT_FOUND', `Publisher model publishers/google/models/${route.model} not found.`);
}

/** Developer-API request fields Vertex refuses, each named as Vertex's JSON parser does. */
export function vertexFieldError(method: string, body: unknown): GoogleErrorReply | undefined {
  if (!isRecord(body)) return undefined;
  if (method === 'countTokens' && 'generateContentRequest' in body) {
    return invalidArgument(['Invalid JSON payload received. Unknown name "generateContentRequest": Cannot find field.']);
  }
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const unknown: string[] = [];
  contents.forEach((content, contentIndex) => {
    const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
    parts.forEach((part, partIndex) => {
      for (const key of ['functionCall', 'functionResponse'] as const) {
        const value = isRecord(part) ? part[key] : undefined;
        if (isRecord(value) && 'id' in value) {
          unknown.push(`Invalid JSON payload received. Unknown name "id" at 'contents[${contentIndex}].parts[${partIndex}].${key === 'functionCall' ? 'function_call' : 'function_response'}': Cannot find field.`);
        }
      }
    });
  });
  return unknown.length > 0 ? invalidArgument(unknown) : undefined;
}

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}0-9_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}0-9_-]{0,63}$/u;

/**
 * Vertex's GenerateContentRequest.labels rules (https://cloud.google.com/vertex-ai/docs/general/labels): at most 64,
 * keys start with a lowercase letter, keys and values lowercase letters, digits, `_` and `-`, up to 63 characters.
 */
export function labelsError(body: unknown): GoogleErrorReply | undefined {
  const labels = isRecord(body) ? body.labels : undefined;
  if (labels === undefined) return undefined;
  if (!isRecord(labels)) return invalidArgument(['Invalid value at \'labels\': labels must be a map of strings.']);
  const entries = Object.entries(labels);
  if (entries.length > 64) return googleError(400, 'INVALID_ARGUMENT', `At most 64 labels are allowed, got ${entries.length}.`);
  const bad = entries.find(([key, value]) => !LABEL_KEY.test(key) || typeof value !== 'string' || !LABEL_VALUE.test(value));
  return bad ? googleError(400, 'INVALID_ARGUMENT', `Label ${JSON.stringify(bad[0])}: ${JSON.stringify(bad[1])} is invalid: keys and values may hold lowercase letters, digits, underscores and dashes, at most 63 characters; keys start with a letter.`) : undefined;
}

/** gemini-embedding-001 "takes one input at a time"; the text-embedding models 250. */
function instanceLimit(model: string): number {
  return model.startsWith('gemini-embedding') ? 1 : 250;
}

/** `:predict` on a text-embedding model: `{instances: [{content, task_type?, title?}], parameters: {outputDimensionality?}}`. */
export function answerEmbedPredict(model: string, body: unknown): JsonReply {
  const record = isRecord(body) ? body : {};
  const instances = Array.isArray(record.instances) ? record.instances : [];
  if (instances.length === 0) return invalidArgument(['instances must not be empty.']);
  const limit = instanceLimit(model);
  if (instances.length > limit) {
    return googleError(400, 'INVALID_ARGUMENT', `Unable to submit request because the model supports up to ${limit} instances per request, got ${instances.length}.`);
  }
  const parameters = isRecord(record.parameters) ? record.parameters : {};
  const dimensions = parameters.outputDimensionality ?? EMBEDDING_DIMENSIONS;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > EMBEDDING_DIMENSIONS) {
    return invalidArgument([`parameters.outputDimensionality must be in [1, ${EMBEDDING_DIMENSIONS}].`]);
  }
  const predictions = [];
  for (const instance of instances) {
    const content = isRecord(instance) ? instance.content : undefined;
    if (typeof content !== 'string' || content === '') return invalidArgument(['instances[].content must be a non-empty string.']);
    const taskType = isRecord(instance) && typeof instance.task_type === 'string' ? instance.task_type : undefined;
    const title = isRecord(instance) && typeof instance.title === 'string' ? instance.title : undefined;
    const values = emulatedEmbedding(content, dimensions, taskType, title);
    predictions.push({ embeddings: { values, statistics: { truncated: false, token_count: Math.ceil(content.length / 4) } } });
  }
  return { status: 200, body: { predictions, metadata: { billableCharacterCount: instances.reduce((sum: number, instance) => sum + String(isRecord(instance) ? instance.content : '').length, 0) } } };
}

/** True for the text-embedding models Vertex serves through `:predict`. */
export function isEmbeddingModel(model: string): boolean {
  return EMBEDDING_MODELS.has(model);
}
