import { IMAGEN_FILTERED_REASON } from '../../emulator/default-imagen';
import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { BASE64, generate, postJson, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

interface Prediction {
  bytesBase64Encoded?: string;
  mimeType?: string;
  raiFilteredReason?: string;
}
interface PredictResponse {
  predictions?: Prediction[];
}

const IMAGEN = 'imagen-4.0-generate-001';

function predictBody(prompt: string, parameters?: Record<string, unknown>): Record<string, unknown> {
  return { instances: [{ prompt }], ...(parameters ? { parameters } : {}) };
}

async function predict(body: unknown, model = IMAGEN) {
  return postJson<PredictResponse>(emulator, `/v1beta/models/${model}:predict`, body);
}

function bytesOf(prediction: Prediction | undefined): Buffer {
  return Buffer.from(prediction?.bytesBase64Encoded ?? '', 'base64');
}

describe('POST imagen-4.0-*:predict', () => {
  it.each([IMAGEN, 'imagen-4.0-fast-generate-001', 'imagen-4.0-ultra-generate-001'])('answers %s with sampleCount PNG predictions', async (model) => {
    const response = await predict(predictBody('Robot holding a red skateboard', { sampleCount: 2, aspectRatio: '16:9' }), model);

    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual(['predictions']);
    expect(response.json.predictions).toHaveLength(2);
    for (const prediction of response.json.predictions ?? []) {
      expect(Object.keys(prediction)).toEqual(['bytesBase64Encoded', 'mimeType']);
      expect(prediction.mimeType).toBe('image/png');
      expect(prediction.bytesBase64Encoded).toMatch(BASE64);
      expect(bytesOf(prediction).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    }
  });

  it('defaults sampleCount to 4, as Imagen documents', async () => {
    expect((await predict(predictBody('a fox'))).json.predictions).toHaveLength(4);
  });

  it.each([1, 3, 4])('honours sampleCount %i', async (sampleCount) => {
    expect((await predict(predictBody('a fox', { sampleCount }))).json.predictions).toHaveLength(sampleCount);
  });

  it('sends a real 1×1 JPEG for outputOptions.mimeType image/jpeg', async () => {
    const response = await predict(predictBody('a fox', { sampleCount: 1, outputOptions: { mimeType: 'image/jpeg', compressionQuality: 80 } }));
    const [prediction] = response.json.predictions ?? [];
    const jpeg = bytesOf(prediction);
    const frame = jpeg.indexOf(Buffer.from([0xff, 0xc0]));

    expect(prediction?.mimeType).toBe('image/jpeg');
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(jpeg.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(frame).toBeGreaterThan(0);
    expect([jpeg.readUInt16BE(frame + 5), jpeg.readUInt16BE(frame + 7)]).toEqual([1, 1]);
  });

  it.each(['1:1', '3:4', '4:3', '9:16', '16:9'])('accepts aspectRatio %s', async (aspectRatio) => {
    expect((await predict(predictBody('a fox', { aspectRatio, sampleCount: 1 }))).status).toBe(200);
  });

  it('accepts the documented personGeneration values in either case, and extra parameters', async () => {
    for (const personGeneration of ['dont_allow', 'allow_adult', 'ALLOW_ALL']) {
      const body = predictBody('people', { personGeneration, sampleCount: 1, includeRaiReason: true, sampleImageSize: '2K', language: 'en' });
      expect((await predict(body)).status).toBe(200);
    }
  });

  it('filters a [safety] prompt: one prediction with only raiFilteredReason', async () => {
    const response = await predict(predictBody('something [safety]', { sampleCount: 4 }));

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ predictions: [{ raiFilteredReason: IMAGEN_FILTERED_REASON }] });
  });

  it('records the request for assertions', async () => {
    await predict(predictBody('recorded', { sampleCount: 1 }));
    expect(emulator.lastRequest()).toMatchObject({ method: 'POST', path: `/v1beta/models/${IMAGEN}:predict`, body: { instances: [{ prompt: 'recorded' }] } });
  });
});

describe('POST :predict errors', () => {
  it.each([
    { model: 'imagen-3.0-generate-002', why: 'shut down' },
    { model: 'imagen-3.0-generate-001', why: 'shut down' },
    { model: 'gemini-2.5-flash', why: 'not an Imagen model' },
    { model: 'gemini-2.5-flash-image', why: 'native image output uses generateContent' },
  ])('answers 404 NOT_FOUND for $model ($why)', async ({ model }) => {
    const response = await predict(predictBody('a fox'), model);

    expect(response.status).toBe(404);
    expect(response.json.error).toEqual({
      code: 404,
      message: `models/${model} is not found for API version v1beta, or is not supported for predict. Call ListModels to see the list of available models and their supported methods.`,
      status: 'NOT_FOUND',
    });
  });

  it.each([
    { name: 'sampleCount 0', body: predictBody('a', { sampleCount: 0 }), message: /sampleCount .*\[1, 4\], got 0/ },
    { name: 'sampleCount 5', body: predictBody('a', { sampleCount: 5 }), message: /sampleCount .*\[1, 4\], got 5/ },
    { name: 'sampleCount 1.5', body: predictBody('a', { sampleCount: 1.5 }), message: /sampleCount/ },
    { name: 'aspectRatio 2:1', body: predictBody('a', { aspectRatio: '2:1' }), message: /aspectRatio "2:1"/ },
    { name: 'aspectRatio 21:9 (Gemini image models only)', body: predictBody('a', { aspectRatio: '21:9' }), message: /aspectRatio "21:9"/ },
    { name: 'an unknown personGeneration', body: predictBody('a', { personGeneration: 'everyone' }), message: /personGeneration "everyone"/ },
    { name: 'image/webp output', body: predictBody('a', { outputOptions: { mimeType: 'image/webp' } }), message: /mimeType "image\/webp"/ },
    { name: 'no instances', body: { parameters: { sampleCount: 1 } }, message: '* PredictRequest.instances: instances is not specified\n' },
    { name: 'an empty prompt', body: predictBody(''), message: /prompt/ },
    { name: 'two instances', body: { instances: [{ prompt: 'a' }, { prompt: 'b' }] }, message: /one instance/ },
    { name: 'an unknown top-level field', body: { ...predictBody('a'), prompt: 'a' }, message: 'Invalid JSON payload received. Unknown name "prompt": Cannot find field.' },
  ])('answers 400 INVALID_ARGUMENT for $name', async ({ body, message }) => {
    const response = await predict(body);

    expect(response.status).toBe(400);
    expect(response.json.error?.status).toBe('INVALID_ARGUMENT');
    if (typeof message === 'string') expect(response.json.error?.message).toBe(message);
    else expect(response.json.error?.message).toMatch(message);
  });

  it('answers generateContent on an Imagen model with 404', async () => {
    const response = await generate(emulator, IMAGEN, userBody('a fox'));
    expect(response.status).toBe(404);
    expect(response.json.error?.message).toMatch(/not supported for generateContent\./);
  });
});
