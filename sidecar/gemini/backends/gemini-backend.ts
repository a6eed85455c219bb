import type { AccessTokens } from './access-tokens';

/** `gen_ai.provider.name` of each backend (OTel GenAI semconv). */
export type GenAIProviderName = 'gcp.gemini' | 'gcp.vertex_ai';

/**
 * One dialect of the Gemini API: where it lives, how a Developer-API path (`models/{m}:{method}`, `models?…`,
 * `models/{m}`) reads on it, what its bodies must not carry, and how calls authenticate (API keys, or OAuth tokens).
 */
export interface GeminiBackend {
  readonly name: 'developer-api' | 'vertex';
  readonly provider: GenAIProviderName;
  /** Scheme, host and any base path, without a trailing slash. */
  readonly baseUrl: string;
  /** The path after `baseUrl` (starting with `/`) for a Developer-API path. */
  path(relative: string): string;
  /** The body this backend accepts for `method`, with the call's labels where it takes them (a 400 InvalidRequestError for what it lacks). Pure. */
  adaptBody(method: string, body: unknown, labels?: Record<string, string>): unknown;
  /** The upstream path of a native (passthrough) call, or the feature Vertex lacks; absent: the path as it is. */
  nativePath?(pathname: string, search: string): { path: string } | { unsupported: string };
  /** OAuth token source; undefined when calls carry API keys in x-goog-api-key. */
  readonly tokens?: AccessTokens;
}

/** The model and method of a Developer-API model call path, e.g. `models/gemini-2.5-flash:generateContent?alt=sse`. */
export function parseModelCall(relative: string): { model: string; method: string; query: string } | undefined {
  const match = /^models\/([^:?]+):([A-Za-z]+)(\?.*)?$/.exec(relative);
  return match ? { model: match[1]!, method: match[2]!, query: match[3] ?? '' } : undefined;
}
