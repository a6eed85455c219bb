import { openaiModelToGemini } from './model-name';

/** A configured alias (config `models.aliases`): the Gemini model to serve and optional defaults. */
export interface ModelAlias {
  model: string;
  /** Embeddings: outputDimensionality when the request sets none. */
  dimensions?: number;
  /** OpenAI request fields applied when the request leaves them out. */
  parameters?: Record<string, unknown>;
  /** Logged once per process when the alias is used. */
  notice?: string;
}

/** The model to call for a requested name, and the alias that led there (if any). */
export interface ResolvedModel {
  /** Gemini model id, prefixes stripped. */
  model: string;
  alias?: ModelAlias;
}

/** Resolves a client's model name through the configured aliases (exact match first, then without prefixes). */
export function resolveModel(requested: string, aliases: Readonly<Record<string, ModelAlias>>): ResolvedModel {
  // Own properties only: a model named "__proto__" or "constructor" must not find Object.prototype members.
  const exact = Object.hasOwn(aliases, requested) ? aliases[requested] : undefined;
  if (exact) return { model: openaiModelToGemini(exact.model), alias: exact };
  const model = openaiModelToGemini(requested);
  const stripped = Object.hasOwn(aliases, model) ? aliases[model] : undefined;
  if (stripped) return { model: openaiModelToGemini(stripped.model), alias: stripped };
  return { model };
}

/** The alias's default parameters under the request's own: the request always wins. */
export function withAliasDefaults<T extends object>(request: T, alias: ModelAlias | undefined): T {
  if (!alias?.parameters) return request;
  return { ...alias.parameters, ...request };
}
