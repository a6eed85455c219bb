import { Writable } from 'node:stream';
import type { Express } from 'express';
import { configSchema, type SidecarConfig } from '@sidecar/config/config-schema';
import { createGeminiClient } from '@sidecar/gemini/create-gemini-client';
import { createLogger } from '@sidecar/observability/logger';
import { createApp } from '@sidecar/server/create-app';
import { Lifecycle } from '@sidecar/server/lifecycle';
import type { SidecarMetrics } from '@sidecar/observability/metrics';
import { createTelemetry } from '@sidecar/observability/telemetry';
import { GeminiEmulator } from '../emulator/gemini-emulator';

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
}

/** An in-process sidecar app wired to a Gemini emulator on port 0, plus every log line it wrote. */
export interface SidecarHarness {
  app: Express;
  lifecycle: Lifecycle;
  metrics: SidecarMetrics;
  emulator: GeminiEmulator;
  config: SidecarConfig;
  logs: string[];
  close(): Promise<void>;
}

/** Builds createApp(deps) with a real GeminiClient pointed at a fresh emulator (or at `baseUrl`). */
export async function startSidecarHarness(overrides: HarnessOverrides = {}): Promise<SidecarHarness> {
  const emulator = await GeminiEmulator.start();
  const config = configSchema.parse({
    server: overrides.server ?? {},
    // One attempt unless a test asks for retries, so a scripted error reaches the client as it is.
    gemini: { baseUrl: emulator.url, retry: { maxAttempts: 1 }, ...overrides.gemini },
    media: overrides.media ?? {},
    models: overrides.models ?? {},
    uploads: overrides.uploads ?? {},
    auth: overrides.auth ?? {},
    metrics: overrides.metrics ?? {},
    tracing: overrides.tracing ?? {},
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
  const gemini = createGeminiClient(config, telemetry.metrics, logger);
  const lifecycle = new Lifecycle(config.server.maxConcurrentRequests);
  const app = createApp({ config, gemini, logger, lifecycle, ...telemetry });
  return {
    app,
    lifecycle,
    metrics: telemetry.metrics,
    emulator,
    config,
    logs,
    async close() {
      await gemini.close();
      await emulator.close();
    },
  };
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
