import type { RequestHandler } from 'express';
import { audioSpeechHandler } from '../routes/audio-speech';
import { audioTranscriptionsHandler } from '../routes/audio-transcriptions';
import { batchesHandlers } from '../routes/batches';
import { chatCompletionsHandler } from '../routes/chat-completions';
import { completionsHandler } from '../routes/completions';
import { embeddingsHandler } from '../routes/embeddings';
import { filesHandlers } from '../routes/files';
import { imagesEditsHandler } from '../routes/images-edits';
import { imagesGenerationsHandler } from '../routes/images-generations';
import { modelsHandlers } from '../routes/models';
import { responsesHandlers } from '../routes/responses';
import { ResponsesState } from '../routes/responses-state';
import { InvalidRequestError } from '../errors/sidecar-error';
import type { AppDeps } from './app-deps';

/** One route of the OpenAI-compatible API. */
export interface RouteDefinition {
  method: 'get' | 'post' | 'delete';
  path: string;
  handler: RequestHandler;
  /** Whether the body is parsed as JSON before the handler runs. */
  json: boolean;
}

/** Google's compat base URL ends in /v1beta/openai/, OpenAI's in /v1/: both are served. */
export const OPENAI_PATH_PREFIXES = ['/v1', '/v1beta/openai'] as const;

/** The one route table: OpenAI endpoint → handler, under every prefix. */
export function buildRoutes(deps: AppDeps): RouteDefinition[] {
  const chat = chatCompletionsHandler(deps);
  const completions = completionsHandler(deps);
  const speech = audioSpeechHandler(deps);
  const transcriptions = audioTranscriptionsHandler(deps, 'transcribe');
  const translations = audioTranscriptionsHandler(deps, 'translate');
  const embeddings = embeddingsHandler(deps);
  const models = modelsHandlers(deps);
  const images = imagesGenerationsHandler(deps);
  const edits = imagesEditsHandler(deps);
  const responsesState = new ResponsesState(deps);
  const responses = responsesHandlers(deps, responsesState);
  const stored = responsesState.handlers();
  const files = developerApiOnly(deps, 'The Files API', filesHandlers(deps, responsesState));
  const batches = developerApiOnly(deps, 'Batch Mode', batchesHandlers(deps, responsesState));
  return OPENAI_PATH_PREFIXES.flatMap((prefix): RouteDefinition[] => [
    { method: 'post', path: `${prefix}/chat/completions`, handler: chat, json: true },
    { method: 'post', path: `${prefix}/embeddings`, handler: embeddings, json: true },
    { method: 'post', path: `${prefix}/completions`, handler: completions, json: true },
    { method: 'post', path: `${prefix}/audio/speech`, handler: speech, json: true },
    { method: 'post', path: `${prefix}/audio/transcriptions`, handler: transcriptions, json: false },
    { method: 'post', path: `${prefix}/audio/translations`, handler: translations, json: false },
    { method: 'post', path: `${prefix}/images/generations`, handler: images, json: true },
    { method: 'post', path: `${prefix}/images/edits`, handler: edits, json: false },
    { method: 'get', path: `${prefix}/models`, handler: models.list, json: false },
    { method: 'get', path: `${prefix}/models/:id`, handler: models.retrieve, json: false },
    { method: 'post', path: `${prefix}/responses`, handler: responses.create, json: true },
    { method: 'post', path: `${prefix}/responses/input_tokens`, handler: responses.inputTokens, json: true },
    { method: 'get', path: `${prefix}/responses/:id`, handler: stored.retrieve, json: false },
    { method: 'delete', path: `${prefix}/responses/:id`, handler: stored.remove, json: false },
    { method: 'get', path: `${prefix}/responses/:id/input_items`, handler: stored.inputItems, json: false },
    // The Files API reads its multipart body as a stream (batch-upload.ts), never as JSON.
    { method: 'post', path: `${prefix}/files`, handler: files.upload, json: false },
    { method: 'get', path: `${prefix}/files`, handler: files.list, json: false },
    { method: 'get', path: `${prefix}/files/:id`, handler: files.retrieve, json: false },
    { method: 'delete', path: `${prefix}/files/:id`, handler: files.remove, json: false },
    { method: 'get', path: `${prefix}/files/:id/content`, handler: files.content, json: false },
    { method: 'post', path: `${prefix}/batches`, handler: batches.create, json: true },
    { method: 'get', path: `${prefix}/batches`, handler: batches.list, json: false },
    { method: 'get', path: `${prefix}/batches/:id`, handler: batches.retrieve, json: false },
    { method: 'post', path: `${prefix}/batches/:id/cancel`, handler: batches.cancel, json: false },
  ]);
}

/**
 * Gemini's Files API and Batch Mode (`batches/…`) exist on the Developer API only; Vertex batch prediction reads Cloud
 * Storage, so on Vertex these routes answer 400 `unsupported_on_vertex` without calling Google.
 */
function developerApiOnly<T extends Record<string, RequestHandler>>(deps: AppDeps, feature: string, handlers: T): T {
  if (deps.gemini.backend?.name !== 'vertex') return handlers;
  const refuse: RequestHandler = (_req, res, next) => {
    res.setHeader('connection', 'close');
    next(new InvalidRequestError(`${feature} is not available on Vertex AI (the sidecar's backend); it is a Gemini Developer API feature.`, null, 'unsupported_on_vertex'));
  };
  return Object.fromEntries(Object.keys(handlers).map((name) => [name, refuse])) as T;
}
