import { Writable } from 'node:stream';
import { configSchema, type SidecarConfig } from '@sidecar/config/config-schema';
import { createGeminiClient } from '@sidecar/gemini/create-gemini-client';
import type { GeminiClient } from '@sidecar/gemini/gemini-client';
import { createLogger } from '@sidecar/observability/logger';
import { createTelemetry } from '@sidecar/observability/telemetry';
import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { googleError } from '../../emulator/google-error';

const UNAVAILABLE = googleError(503, 'UNAVAILABLE', 'The model is overloaded.');

describe('createGeminiClient with a running config that a reload replaces', () => {
  let emulator: GeminiEmulator;
  let client: GeminiClient;
  let running: SidecarConfig;

  /** The config with `maxAttempts` attempts and no backoff. */
  const withAttempts = (maxAttempts: number): SidecarConfig =>
    configSchema.parse({ gemini: { baseUrl: emulator.url, apiKey: 'test-key', retry: { maxAttempts, baseDelayMs: 0, maxDelayMs: 0 } } });

  beforeEach(async () => {
    emulator = await GeminiEmulator.start();
    running = withAttempts(1);
    const logger = createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));
    client = createGeminiClient(running, createTelemetry(running, { defaultMetrics: false }).metrics, logger, () => running);
  });

  afterEach(async () => {
    await client.close();
    await emulator.close();
  });

  it('uses the retry policy of the config running at each call', async () => {
    emulator.enqueue({ kind: 'json', ...UNAVAILABLE }, { kind: 'json', ...UNAVAILABLE });
    await expect(client.generateContent('gemini-2.5-flash', { contents: [{ parts: [{ text: 'hi' }] }] }, {})).rejects.toMatchObject({ status: 503 });
    expect(emulator.requests).toHaveLength(1);

    running = withAttempts(2);
    emulator.reset();
    emulator.enqueue({ kind: 'json', ...UNAVAILABLE });
    await expect(client.generateContent('gemini-2.5-flash', { contents: [{ parts: [{ text: 'hi' }] }] }, {})).resolves.toMatchObject({ candidates: expect.any(Array) });
    expect(emulator.requests).toHaveLength(2);
  });

  it('uses the total timeout of the config running at each call', async () => {
    running = { ...running, gemini: { ...running.gemini, totalTimeoutMs: 50 } };
    emulator.enqueue({ kind: 'hang' });
    await expect(client.generateContent('gemini-2.5-flash', { contents: [{ parts: [{ text: 'hi' }] }] }, {})).rejects.toThrow(/total timeout of 50 ms/);
  });
});
