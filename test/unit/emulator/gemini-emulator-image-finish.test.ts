import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { loadRecordedJson } from '../../helpers/recorded-fixtures';
import { generate, partsOf, stream, userBody, type GeminiBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

const IMAGE_MODEL = 'gemini-2.5-flash-image';

describe('image models and candidateCount', () => {
  it.each([IMAGE_MODEL, 'gemini-3-pro-image-preview', 'gemini-3.1-flash-image'])('rejects candidateCount 2 for %s with the live wording', async (model) => {
    const response = await generate(emulator, model, userBody('draw', { generationConfig: { responseModalities: ['IMAGE'], candidateCount: 2 } }));

    expect(response.status).toBe(400);
    expect(response.json.error).toEqual({ code: 400, message: `Multiple candidates is not enabled for models/${model}`, status: 'INVALID_ARGUMENT' });
  });

  it('accepts candidateCount 1 for an image model and candidateCount 2 for a text model', async () => {
    expect((await generate(emulator, IMAGE_MODEL, userBody('draw', { generationConfig: { candidateCount: 1 } }))).status).toBe(200);
    const text = await generate(emulator, 'gemini-2.5-flash', userBody('hi', { generationConfig: { candidateCount: 2 } }));
    expect(text.json.candidates).toHaveLength(2);
  });
});

describe('image models that produce no image', () => {
  const recorded = loadRecordedJson('vercel-ai/google-image-no-image-live.json') as GeminiBody;

  it('[noimage] answers NO_IMAGE in the recorded shape: empty content, prompt-only usage', async () => {
    const response = await generate(emulator, IMAGE_MODEL, userBody('draw [noimage]'));

    expect(response.status).toBe(200);
    expect(response.json.candidates).toEqual(recorded.candidates);
    expect(Object.keys(response.json)).toEqual(['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
    expect(Object.keys(response.json.usageMetadata ?? {})).toEqual(
      Object.keys(recorded.usageMetadata ?? {}).filter((key) => key !== 'serviceTier'),
    );
    expect(response.json.modelVersion).toBe(IMAGE_MODEL);
  });

  it('[safety] answers IMAGE_SAFETY with empty content and no safetyRatings', async () => {
    const response = await generate(emulator, 'gemini-3-pro-image-preview', userBody('draw [safety]'));

    expect(response.json.candidates).toEqual([{ content: {}, finishReason: 'IMAGE_SAFETY', index: 0 }]);
    expect(response.json.usageMetadata?.candidatesTokenCount).toBeUndefined();
  });

  it('streams IMAGE_SAFETY and NO_IMAGE as one chunk identical to the unary body', async () => {
    const safety = await stream(emulator, IMAGE_MODEL, userBody('draw [safety]'));
    const noImage = await stream(emulator, IMAGE_MODEL, userBody('draw [noimage]'));

    expect(safety.chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual(['IMAGE_SAFETY']);
    expect(noImage.chunks.map((chunk) => chunk.candidates?.[0])).toEqual([{ content: {}, finishReason: 'NO_IMAGE', index: 0 }]);
  });

  it('keeps text-model behaviour: [safety] is SAFETY, [noimage] is plain text', async () => {
    const safety = await generate(emulator, 'gemini-2.5-flash', userBody('x [safety]'));
    const noImage = await generate(emulator, 'gemini-2.5-flash', userBody('x [noimage]'));

    expect(safety.json.candidates?.[0]?.finishReason).toBe('SAFETY');
    expect(partsOf(noImage.json)).toEqual([{ text: 'Echo: x [noimage]' }]);
  });

  it('answers an image model asked for TEXT only like a text model', async () => {
    const body = userBody('x [safety]', { generationConfig: { responseModalities: ['TEXT'] } });
    expect((await generate(emulator, IMAGE_MODEL, body)).json.candidates?.[0]?.finishReason).toBe('SAFETY');
  });
});
