import type { SidecarConfig } from '../config/config-schema';
import type { GeminiCallOptions } from '../gemini/gemini-client';
import type { Logger } from '../observability/logger';

/** The upstream operations routes need; GeminiClient implements it, tests may pass their own. */
export interface GeminiApi {
  generateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<unknown>;
  streamGenerateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<AsyncIterable<unknown>>;
}

/** Everything createApp needs, built once in main.ts and injected. */
export interface AppDeps {
  config: SidecarConfig;
  gemini: GeminiApi;
  logger: Logger;
}
