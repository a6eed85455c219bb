import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { type Express } from 'express';
import request from 'supertest';
import { configSchema } from '@sidecar/config/config-schema';
import { ClientClosedError, UpstreamError } from '@sidecar/errors/sidecar-error';
import type { GeminiCallOptions } from '@sidecar/gemini/active-call';
import { GeminiClient } from '@sidecar/gemini/gemini-client';
import { createLogger } from '@sidecar/observability/logger';
import { imagesGenerationsHandler } from '@sidecar/routes/images-generations';
import type { AppDeps, GeminiApi } from '@sidecar/server/app-deps';
import { createTelemetry } from '@sidecar/observability/telemetry';
import { Lifecycle } from '@sidecar/server/lifecycle';
import { errorMiddleware } from '@sidecar/server/error-middleware';
import { TINY_PNG_BASE64 } from '../emulator/default-media';
import { IMAGEN_FILTERED_REASON } from '../emulator/default-imagen';
import { googleError } from '../emulator/google-error';
import { GeminiEmulator } from '../emulator/gemini-emulator';

const PROMPT = 'A watercolor fox in the snow';
const SEED_BODY = { model: 'gemini-2.5-flash-image-preview', prompt: PROMPT, response_format: 'b64_json', n: 1 };
const PATHS = ['/v1/images/generations', '/v1beta/openai/images/generations'];
/** The emulator bills one token per 4 prompt characters and 1290 per image. */
const PROMPT_TOKENS = Math.ceil(PROMPT.length / 4);

/** The route mounted the way create-app mounts routes (until it joins the route table). */
function mountImages(deps: AppDeps): Express {
  const app = express();
  const json = express.json({ type: () => true });
  for (const path of PATHS) app.post(path, json, imagesGenerationsHandler(deps));
  app.use(errorMiddleware(deps.logger));
  return app;
}

/** The route against a real GeminiClient and the emulator. */
async function startImagesApp(): Promise<{ app: Express; emulator: GeminiEmulator; logs: string[]; close(): Promise<void> }> {
  const emulator = await GeminiEmulator.start();
  const config = configSchema.parse({ gemini: { baseUrl: emulator.url, retry: { maxAttempts: 1 } }, logging: { level: 'debug' } });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const gemini = new GeminiClient({ ...config.gemini, keys: config.gemini.apiKey ? [config.gemini.apiKey] : [] });
  const app = mountImages({ config, gemini, logger, lifecycle: new Lifecycle(100), ...createTelemetry(config, { defaultMetrics: false }) });
  return {
    app,
    emulator,
    logs,
    async close() {
      await gemini.close();
      await emulator.close();
    },
  };
}

describe('POST /v1/images/generations', () => {
  let harness: Awaited<ReturnType<typeof startImagesApp>>;
  beforeAll(async () => {
    harness = await startImagesApp();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.emulator.reset());

  const post = (body: object, path = PATHS[0]!) => request(harness.app).post(path).set('Authorization', 'Bearer caller-key').send(body);

  it.each(PATHS)('serves the seed example at %s through the retired-name alias', async (path) => {
    const response = await post(SEED_BODY, path).expect(200);
    expect(response.body).toEqual({
      created: expect.any(Number),
      data: [{ b64_json: TINY_PNG_BASE64 }],
      output_format: 'png',
      usage: {
        input_tokens: PROMPT_TOKENS,
        output_tokens: 1290,
        total_tokens: PROMPT_TOKENS + 1290,
        input_tokens_details: { text_tokens: PROMPT_TOKENS, image_tokens: 0 },
        output_tokens_details: { text_tokens: 0, image_tokens: 1290 },
      },
    });
    expect(harness.emulator.requests).toHaveLength(1);
    const upstream = harness.emulator.lastRequest()!;
    expect(upstream.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(upstream.headers['x-goog-api-key']).toBe('caller-key');
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: PROMPT }] }],
      generationConfig: { responseModalities: ['IMAGE'] },
    });
    expect(harness.logs.join('')).toContain('gemini-2.5-flash-image-preview was retired; serving gemini-2.5-flash-image');
  });

  it('serves the retired imagen-3.0-generate-001 with gemini-2.5-flash-image instead of :predict', async () => {
    const response = await post({ ...SEED_BODY, model: 'imagen-3.0-generate-001' }).expect(200);
    expect(response.body.data).toEqual([{ b64_json: TINY_PNG_BASE64 }]);
    expect(harness.emulator.requests.map((upstream) => upstream.path)).toEqual(['/v1beta/models/gemini-2.5-flash-image:generateContent']);
  });

  it('makes one call per image for n=2 and sums the usage', async () => {
    const response = await post({ model: 'gemini-2.5-flash-image', prompt: PROMPT, n: 2 }).expect(200);
    expect(response.body.data).toEqual([{ b64_json: TINY_PNG_BASE64 }, { b64_json: TINY_PNG_BASE64 }]);
    expect(response.body.usage).toMatchObject({ input_tokens: 2 * PROMPT_TOKENS, output_tokens: 2 * 1290 });
    expect(harness.emulator.requests).toHaveLength(2);
    for (const upstream of harness.emulator.requests) {
      expect(upstream.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
      expect((upstream.body as { generationConfig: unknown }).generationConfig).toEqual({ responseModalities: ['IMAGE'] });
    }
  });

  it.each([
    { size: '1024x1024', aspectRatio: '1:1' },
    { size: '1536x1024', aspectRatio: '3:2' },
    { size: '1024x1792', aspectRatio: '9:16' },
    { size: '21:9', aspectRatio: '21:9' },
  ])('sends size $size as aspectRatio $aspectRatio', async ({ size, aspectRatio }) => {
    await post({ model: 'gemini-2.5-flash-image', prompt: PROMPT, size }).expect(200);
    expect((harness.emulator.lastRequest()!.body as { generationConfig: unknown }).generationConfig).toEqual({
      responseModalities: ['IMAGE'],
      imageConfig: { aspectRatio },
    });
  });

  it('sends imagen-4 to :predict with sampleCount and aspectRatio', async () => {
    const response = await post({ model: 'imagen-4.0-generate-001', prompt: PROMPT, n: 2, size: '1792x1024' }).expect(200);
    expect(response.body).toEqual({
      created: expect.any(Number),
      data: [{ b64_json: TINY_PNG_BASE64 }, { b64_json: TINY_PNG_BASE64 }],
      output_format: 'png',
    });
    expect(harness.emulator.requests).toHaveLength(1);
    const upstream = harness.emulator.lastRequest()!;
    expect(upstream.path).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
    expect(upstream.headers['x-goog-api-key']).toBe('caller-key');
    expect(upstream.body).toEqual({
      instances: [{ prompt: PROMPT }],
      parameters: { sampleCount: 2, aspectRatio: '16:9', includeRaiReason: true },
    });
  });

  it("returns Imagen's rewritten prompt as revised_prompt", async () => {
    harness.emulator.enqueue({
      kind: 'json',
      body: { predictions: [{ bytesBase64Encoded: TINY_PNG_BASE64, mimeType: 'image/png', prompt: 'A detailed watercolor of a fox' }] },
    });
    const response = await post({ model: 'imagen-4.0-fast-generate-001', prompt: PROMPT }).expect(200);
    expect(response.body.data).toEqual([{ b64_json: TINY_PNG_BASE64, revised_prompt: 'A detailed watercolor of a fox' }]);
  });

  it('reports ignored parameters in x-sidecar-ignored-params', async () => {
    const response = await post({ model: 'gemini-2.5-flash-image', prompt: PROMPT, quality: 'hd', style: 'vivid', brand_new: 1 }).expect(200);
    expect(response.headers['x-sidecar-ignored-params']).toBe('brand_new, quality, style');
  });

  describe('errors', () => {
    it.each([
      {
        name: 'response_format url',
        body: { ...SEED_BODY, response_format: 'url' },
        error: {
          message: "response_format 'url' is not supported: the sidecar has no image storage to serve URLs from. Use 'b64_json'.",
          type: 'invalid_request_error',
          param: 'response_format',
          code: 'unsupported_value',
        },
      },
      {
        name: 'unsupported size',
        body: { ...SEED_BODY, size: '640x480x2' },
        error: {
          message:
            "Unsupported size '640x480x2'. Supported: auto, 256x256, 512x512, 1024x1024, 1536x1024, 1024x1536, 1792x1024, 1024x1792; any WIDTHxHEIGHT in, or the ratio itself of: 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9.",
          type: 'invalid_request_error',
          param: 'size',
          code: 'unsupported_value',
        },
      },
      {
        name: 'missing model',
        body: { prompt: PROMPT },
        error: expect.objectContaining({ param: 'model', code: 'missing_required_parameter' }),
      },
      {
        name: 'a text model',
        body: { ...SEED_BODY, model: 'gemini-2.5-flash' },
        error: expect.objectContaining({ param: 'model', code: 'model_not_supported' }),
      },
    ])('$name → 400 without calling Gemini', async ({ body, error }) => {
      const response = await post(body).expect(400);
      expect(response.body).toEqual({ error });
      expect(harness.emulator.requests).toHaveLength(0);
    });

    it('answers 401 without calling Gemini when there is no key', async () => {
      const response = await request(harness.app).post(PATHS[0]!).send(SEED_BODY).expect(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'missing_api_key' });
      expect(harness.emulator.requests).toHaveLength(0);
    });

    it('turns a Gemini safety stop into 400 content_policy_violation', async () => {
      const response = await post({ ...SEED_BODY, prompt: 'Draw [safety] this' }).expect(400);
      expect(response.body).toEqual({
        error: {
          message: 'Gemini refused to generate the image: IMAGE_SAFETY',
          type: 'invalid_request_error',
          param: null,
          code: 'content_policy_violation',
        },
      });
    });

    it('turns a blocked prompt into 400 content_policy_violation', async () => {
      const response = await post({ ...SEED_BODY, prompt: 'Draw [block] this' }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'content_policy_violation', message: 'Gemini refused to generate the image: prompt blocked (SAFETY)' });
    });

    it('turns Imagen filtering every image into 400 content_policy_violation', async () => {
      const response = await post({ model: 'imagen-4.0-generate-001', prompt: 'Draw [safety] this' }).expect(400);
      expect(response.body.error).toEqual({
        message: `Imagen's safety filters rejected the request: ${IMAGEN_FILTERED_REASON}`,
        type: 'invalid_request_error',
        param: null,
        code: 'content_policy_violation',
      });
    });

    it('answers 502 upstream_no_image when Gemini made no image for another reason', async () => {
      const response = await post({ ...SEED_BODY, prompt: 'Draw [noimage] this' }).expect(502);
      expect(response.body.error).toEqual({ message: 'Gemini returned no image (NO_IMAGE).', type: 'api_error', param: null, code: 'upstream_no_image' });
    });

    it("passes Gemini's 404 for a shut-down Imagen model that no alias covers", async () => {
      const response = await post({ model: 'imagen-3.0-fast-generate-001', prompt: PROMPT }).expect(404);
      expect(response.body.error).toMatchObject({ code: 'model_not_found' });
      expect(harness.emulator.lastRequest()!.path).toBe('/v1beta/models/imagen-3.0-fast-generate-001:predict');
    });

    it('fails the request when one of the n calls fails', async () => {
      const quota = googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.');
      harness.emulator.enqueue({ kind: 'json', status: quota.status, body: quota.body }, { kind: 'hang' });
      const response = await post({ ...SEED_BODY, n: 2 }).expect(429);
      expect(response.body.error).toMatchObject({ type: 'rate_limit_error' });
    });
  });
});

describe('POST /v1/images/generations cancellation', () => {
  /** A Gemini whose calls wait until aborted, except those told to fail; every call's signal is kept. */
  function stubGemini(failFirst: boolean): { gemini: GeminiApi; signals: AbortSignal[]; started: Promise<void> } {
    const signals: AbortSignal[] = [];
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const waitForAbort = (call: GeminiCallOptions): Promise<unknown> => {
      signals.push(call.signal!);
      if (signals.length === 2) markStarted();
      if (failFirst && signals.length === 1) {
        return Promise.reject(new UpstreamError('Quota exceeded.', { status: 429, type: 'rate_limit_error' }));
      }
      return new Promise((_resolve, reject) => call.signal!.addEventListener('abort', () => reject(new ClientClosedError())));
    };
    const unused = (): Promise<never> => Promise.reject(new Error('not used'));
    return {
      gemini: { generateContent: (_model, _body, call) => waitForAbort(call), callModel: unused, getJson: unused, streamGenerateContent: unused, hasServerKeys: true, leaseKey: () => 'k' },
      signals,
      started,
    };
  }
  const deps = (gemini: GeminiApi): AppDeps => {
    const config = configSchema.parse({ gemini: { apiKey: 'k' } });
    return { config, gemini, logger: createLogger('silent'), lifecycle: new Lifecycle(100), ...createTelemetry(config, { defaultMetrics: false }) };
  };

  it('cancels the other calls once one of them fails', async () => {
    const stub = stubGemini(true);
    await request(mountImages(deps(stub.gemini))).post(PATHS[0]!).send({ ...SEED_BODY, n: 2 }).expect(429);
    expect(stub.signals.map((signal) => signal.aborted)).toEqual([true, true]);
  });

  it('cancels every call when the client goes away', async () => {
    const stub = stubGemini(false);
    const server = mountImages(deps(stub.gemini)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const controller = new AbortController();
      const answer = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${PATHS[0]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...SEED_BODY, n: 2 }),
        signal: controller.signal,
      });
      await stub.started;
      controller.abort();
      await expect(answer).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stub.signals.map((signal) => signal.aborted)).toEqual([true, true]);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
