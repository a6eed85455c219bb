import { z } from 'zod';
import type { ModelAlias } from '../model-alias';

/** One entry of Gemini's `models.list` / `models.get`, only the fields the sidecar passes on. */
export const geminiModelSchema = z.looseObject({
  name: z.string(),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  inputTokenLimit: z.number().nullish(),
  outputTokenLimit: z.number().nullish(),
  supportedGenerationMethods: z.array(z.string()).nullish(),
});

/** One page of `GET /v1beta/models`. */
export const geminiModelListSchema = z.looseObject({
  models: z.array(geminiModelSchema).nullish(),
  nextPageToken: z.string().nullish(),
});

/** A parsed Gemini model. */
export type GeminiModel = z.infer<typeof geminiModelSchema>;

/** OpenAI model object, plus Gemini's facts under their OpenAI-style snake_case names. */
export interface OpenAIModel {
  id: string;
  object: 'model';
  /** Gemini publishes no creation date; 0 keeps the field numeric as OpenAI clients expect. */
  created: number;
  owned_by: string;
  display_name?: string;
  description?: string;
  input_token_limit?: number;
  output_token_limit?: number;
  supported_generation_methods?: string[];
  /** For configured aliases: the Gemini model actually served. */
  alias_for?: string;
}

/** A Gemini model → OpenAI model object, id without the `models/` prefix. */
export function geminiModelToOpenAI(model: GeminiModel): OpenAIModel {
  return {
    id: model.name.replace(/^models\//, ''),
    object: 'model',
    created: 0,
    owned_by: 'google',
    ...(model.displayName ? { display_name: model.displayName } : {}),
    ...(model.description ? { description: model.description } : {}),
    ...(model.inputTokenLimit != null ? { input_token_limit: model.inputTokenLimit } : {}),
    ...(model.outputTokenLimit != null ? { output_token_limit: model.outputTokenLimit } : {}),
    ...(model.supportedGenerationMethods ? { supported_generation_methods: model.supportedGenerationMethods } : {}),
  };
}

/** A configured alias as a model object. */
export function aliasToOpenAIModel(name: string, alias: ModelAlias): OpenAIModel {
  return { id: name, object: 'model', created: 0, owned_by: 'google', alias_for: alias.model };
}

/** The OpenAI list: Gemini's models, then the aliases whose names Gemini does not already list. */
export function openAIModelList(
  models: readonly GeminiModel[],
  aliases: Readonly<Record<string, ModelAlias>>,
): { object: 'list'; data: OpenAIModel[] } {
  const data = models.map(geminiModelToOpenAI);
  const ids = new Set(data.map((model) => model.id));
  for (const [name, alias] of Object.entries(aliases)) if (!ids.has(name)) data.push(aliasToOpenAIModel(name, alias));
  return { object: 'list', data };
}
