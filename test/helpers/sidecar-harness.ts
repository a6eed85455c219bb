import { Writable } from 'node:stream';
import type { Express } from 'express';
import { configSchema, type SidecarConfig } from '@sidecar/config/config-schema';
import { createGeminiClient } from '@sidecar/gemini/create-gemini-client';
import { createLogger } from '@sidecar/observability/logger';
import { createApp } from '@sidecar/server/create-app';
import { Lifecycle } from '@sidecar/server/lifecycle';
import type { SidecarMetrics } from '@sidecar/observability/metrics';
import { createTelemetry } from '@sidecar/observability/telemetry';
import { GeminiEmulator, type RecordedRequest } from '../emulator/gemini-emulator';
import { createGeminiBackend, createGoogleAuth } from '@sidecar/gemini/backends/create-backend';
import { startFakeGoogleAuth, writeServiceAccountKey, type FakeGoogleAuth } from './fake-google-auth';

/** The upstream dialects the parametrised suites run against. */
export type BackendName = 'developer-api' | 'vertex';
/** Both backends, for `describe.each(BACKENDS)`. */
export const BACKENDS: readonly BackendName[] = ['developer-api', 'vertex'];
/** The Vertex project and location of harnesses on the vertex backend. */
export const VERTEX_PROJECT = 'test-project';

/** Config overrides by section, applied on top of the built-in defaults. */
export interface HarnessOverrides {
  server?: Partial<SidecarConfig['server']>;
  gemini?: Partial<SidecarConfig['gemini']>;
  auth?: Partial<SidecarConfig['auth']>;
  metrics?: Partial<SidecarConfig['metrics']>;
  tracing?: Partial<SidecarConfig['tracing']>;
  media?: Partial<SidecarConfig['media']>;
  models?: Partial<SidecarConfig['models']>;
  uploads?: Partial<SidecarConfig['uploads']>;
  batch?: Partial<SidecarConfig['batch']>;
  consumers?: Partial<SidecarConfig['consumers']>;
  pricing?: Partial<SidecarConfig['pricing']>;
  vertex?: Partial<SidecarConfig['vertex']>;
  /** Vertex: a service-account key whose token requests go to a local fake of Google's token endpoint. */
  backend?: BackendName;
}

/** An in-process sidecar app wired to a Gemini emulator on port 0, plus every log line it wrote. */
export interface SidecarHarness {
  app: Express;
  lifecycle: Lifecycle;
  metrics: SidecarMetrics;
  emulator: GeminiEmulator;
  config: SidecarConfig;
  logs: string[];
  backend: BackendName;
  /** The fake STS that issued the Vertex tokens (vertex backend only). */
  googleAuth?: FakeGoogleAuth;
  /** The path the emulator receives for a model call on this backend, e.g. `/v1beta/models/m:generateContent`. */
  modelPath(model: string, method: string): string;
  /** What authenticated an upstream request: its x-goog-api-key, or its bearer token. */
  upstreamCredential(request: RecordedRequest): string | undefined;
  /** The credential upstream calls should carry: the caller's key (Developer API), or the last token the fake issued. */
  expectedCredential(callerKey: string): string | undefined;
  close(): Promise<void>;
}

/** Builds createApp(deps) with a real GeminiClient pointed at a fresh emulator (or at `baseUrl`). */
export async function startSidecarHarness(overrides: HarnessOverrides = {}): Promise<SidecarHarness> {
  const backend = overrides.backend ?? 'developer-api';
  const serviceAccount = backend === 'vertex' ? writeServiceAccountKey(VERTEX_PROJECT) : undefined;
  const googleAuth = serviceAccount ? await startFakeGoogleAuth({ publicKey: serviceAccount.publicKey }) : undefined;
  const emulator = await GeminiEmulator.start(googleAuth ? { acceptsToken: (token) => googleAuth.accepts(token) } : {});
  const vertex = googleAuth
    ? { enabled: true, project: VERTEX_PROJECT, location: 'global', baseUrl: emulator.url, credentialsFile: serviceAccount?.file, ...overrides.vertex }
    : (overrides.vertex ?? {});
  const config = configSchema.parse({
    vertex,
    server: overrides.server ?? {},
    // One attempt unless a test asks for retries, so a scripted error reaches the client as it is.
    gemini: { baseUrl: emulator.url, retry: { maxAttempts: 1 }, ...overrides.gemini },
    media: overrides.media ?? {},
    models: overrides.models ?? {},
    uploads: overrides.uploads ?? {},
    auth: overrides.auth ?? {},
    metrics: overrides.metrics ?? {},
    tracing: overrides.tracing ?? {},
    batch: overrides.batch ?? {},
    consumers: overrides.consumers ?? {},
    pricing: overrides.pricing ?? {},
    logging: { level: 'debug' },
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const telemetry = createTelemetry(config, { defaultMetrics: false });
  const gemini = createGeminiClient(config, telemetry.metrics, logger, undefined, undefined, await harnessBackend(config, logger, googleAuth));
  const lifecycle = new Lifecycle(config.server.maxConcurrentRequests);
  const app = createApp({ config, gemini, logger, lifecycle, ...telemetry });
  return {
    app,
    lifecycle,
    metrics: telemetry.metrics,
    emulator,
    config,
    logs,
    backend,
    googleAuth,
    modelPath: (model, method) =>
      googleAuth ? `/v1/projects/${VERTEX_PROJECT}/locations/${config.vertex.location}/publishers/google/models/${model}:${method}` : `/v1beta/models/${model}:${method}`,
    upstreamCredential: (request) => {
      const header = googleAuth ? request.headers.authorization : request.headers['x-goog-api-key'];
      const value = Array.isArray(header) ? header[0] : header;
      return googleAuth ? value?.replace(/^Bearer /, '') : value;
    },
    expectedCredential: (callerKey) => (googleAuth ? googleAuth.issued.at(-1) : callerKey),
    async close() {
      gemini.backend.tokens?.stop();
      await gemini.close();
      await emulator.close();
      await googleAuth?.close();
    },
  };
}

/**
 * The backend of a harness. On Vertex, google-auth-library signs the key's JWT assertion and posts it to its fixed
 * https://oauth2.googleapis.com/token (it ignores the key file's token_uri), so the harness points that one URL at the fake.
 */
async function harnessBackend(config: SidecarConfig, logger: ReturnType<typeof createLogger>, fake: FakeGoogleAuth | undefined) {
  if (!fake) return createGeminiBackend(config, logger);
  const auth = createGoogleAuth(config.vertex);
  const client = await auth.getClient();
  client.transporter.interceptors.request.add({
    resolved: async (options) => {
      if (String(options.url).startsWith('https://oauth2.googleapis.com/token')) options.url = new URL(`${fake.url}/token`);
      return options;
    },
  });
  return createGeminiBackend(config, logger, auth);
}

/** The OpenAI-side objects of an SSE body: every `data:` payload except `[DONE]`, parsed. */
export function parseSseEvents(body: string): { events: unknown[]; done: boolean; lines: string[] } {
  const lines = body.split('\n\n').filter((line) => line.length > 0);
  const events: unknown[] = [];
  let done = false;
  for (const line of lines) {
    if (!line.startsWith('data: ')) throw new Error(`not an SSE data line: ${JSON.stringify(line)}`);
    const payload = line.slice(6);
    if (payload === '[DONE]') done = true;
    else events.push(JSON.parse(payload));
  }
  return { events, done, lines };
}
