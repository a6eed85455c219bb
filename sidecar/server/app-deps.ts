import type { SidecarConfig } from '../config/config-schema';
import type { GeminiCallOptions } from '../gemini/active-call';
import type { UpstreamJson, UpstreamRequestOptions } from '../gemini/gemini-client';
import type { GeminiBackend } from '../gemini/backends/gemini-backend';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from '../observability/logger';
import type { SidecarMetrics } from '../observability/metrics';
import type { ResponseStore } from '../store/response-store';
import type { Lifecycle } from './lifecycle';

/** The upstream operations routes need; GeminiClient implements it, tests may pass their own. */
export interface GeminiApi {
  generateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<unknown>;
  streamGenerateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<AsyncIterable<unknown>>;
  /** `POST models/{model}:{method}` for the other model methods (embedContent, batchEmbedContents, predict). */
  callModel(model: string, method: string, body: unknown, call: GeminiCallOptions): Promise<unknown>;
  /** `GET` a path under the API version, e.g. `models?pageSize=1000`. */
  getJson(path: string, call: GeminiCallOptions): Promise<unknown>;
  /** Whether the sidecar has its own keys (callers then need none). */
  readonly hasServerKeys: boolean;
  /** A key of the sidecar's pool for the native passthrough, or undefined. */
  leaseKey(): string | undefined;
  /** Files and Batch API calls (the OpenAI Files and Batch APIs); stubs that serve only model calls leave them out. */
  requestJson?(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, call: GeminiCallOptions, options?: UpstreamRequestOptions): Promise<UpstreamJson>;
  download?(path: string, call: GeminiCallOptions): Promise<AsyncIterable<Buffer>>;
  readonly upstreamOrigin?: string;
  /** The sidecar's own credential for a native call (Vertex token or pool key); absent or undefined: none. */
  nativeCredential?(signal?: AbortSignal): Promise<{ header: Record<string, string>; secret: string } | undefined>;
  /** The API dialect calls go to (absent: the Developer API). */
  readonly backend?: GeminiBackend;
}

/** Everything createApp needs, built once in main.ts and injected. */
export interface AppDeps {
  /** The running config; a config file reload replaces it (config-reloader.ts), so read it per request. */
  config: SidecarConfig;
  gemini: GeminiApi;
  logger: Logger;
  metrics: SidecarMetrics;
  tracer: Tracer;
  lifecycle: Lifecycle;
  /** Where `store: true` Responses live (Redis), shared by replicas; undefined when none is configured. */
  responseStore?: ResponseStore;
}
