import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { NotFoundError, SidecarError, UpstreamUnreachableError } from '../errors/sidecar-error';
import type { AppDeps, GeminiApi } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { openaiModelToGemini } from '../translate/model-name';
import {
  aliasToOpenAIModel,
  geminiModelListSchema,
  geminiModelSchema,
  geminiModelToOpenAI,
  openAIModelList,
  type GeminiModel,
} from '../translate/models/gemini-models-to-openai';
import { abortOnClientClose } from './request-context';
import { vertexModelsToGemini } from '../translate/models/vertex-publisher-models';

/** Largest page Gemini serves (https://ai.google.dev/api/models#method:-models.list). */
const PAGE_SIZE = 1000;
/** Pages followed at most, so a misbehaving upstream cannot loop forever. */
const MAX_PAGES = 50;
/** Distinct keys whose lists are cached at once. */
const MAX_CACHED_KEYS = 100;

/** `GET /v1/models` and `GET /v1/models/{id}`: Gemini's models.list (all pages, cached per key) plus configured aliases. */
export function modelsHandlers(deps: AppDeps): { list: RequestHandler; retrieve: RequestHandler } {
  const cache = new Map<string, { expires: number; models: GeminiModel[] }>();
  const listModels = async (apiKey: string | undefined, signal: AbortSignal): Promise<GeminiModel[]> => {
    const ttl = deps.config.models.listCacheTtlMs;
    // With the sidecar's own keys every caller sees the same list.
    const cacheKey = apiKey === undefined ? 'server-keys' : createHash('sha256').update(apiKey).digest('hex');
    const hit = cache.get(cacheKey);
    if (hit && hit.expires > Date.now()) return hit.models;
    const models = await fetchAllPages(deps.gemini, { apiKey, signal });
    if (ttl > 0) {
      if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
      cache.set(cacheKey, { expires: Date.now() + ttl, models });
    }
    return models;
  };
  return {
    list: async (req, res) => {
      const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
      const models = await listModels(apiKey, abortOnClientClose(req, res));
      res.json(openAIModelList(models, deps.config.models.aliases));
    },
    retrieve: async (req, res) => {
      const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
      const id = String(req.params.id);
      const alias = Object.hasOwn(deps.config.models.aliases, id) ? deps.config.models.aliases[id] : undefined;
      if (alias) {
        res.json(aliasToOpenAIModel(id, alias));
        return;
      }
      const model = openaiModelToGemini(id);
      try {
        const raw = await deps.gemini.getJson(`models/${model}`, { apiKey, signal: abortOnClientClose(req, res) });
        res.json(geminiModelToOpenAI(parse(geminiModelSchema, vertexModelsToGemini(raw))));
      } catch (error) {
        if (error instanceof SidecarError && error.status === 404) {
          throw new NotFoundError(`The model '${id}' does not exist.`, 'model_not_found');
        }
        throw error;
      }
    },
  };
}

async function fetchAllPages(gemini: GeminiApi, call: { apiKey: string | undefined; signal: AbortSignal }): Promise<GeminiModel[]> {
  const models: GeminiModel[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `pageSize=${PAGE_SIZE}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
    const list = parse(geminiModelListSchema, vertexModelsToGemini(await gemini.getJson(`models?${query}`, call)));
    models.push(...(list.models ?? []));
    pageToken = list.nextPageToken ?? undefined;
    if (!pageToken) break;
  }
  return models;
}

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw new UpstreamUnreachableError('Gemini answered the models call with an unexpected shape.', 'upstream_bad_response');
  return result.data;
}
