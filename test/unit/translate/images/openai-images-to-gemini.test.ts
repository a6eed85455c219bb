import type { GeminiContent } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { parseOpenAIImagesRequest } from '@sidecar/translate/images/openai-images-schema';
import {
  openaiImagesToGemini,
  openaiSizeToAspectRatio,
  type ImageModelFamily,
  type TranslatedImagesRequest,
} from '@sidecar/translate/images/openai-images-to-gemini';

/** Parses and translates a body the way the route does (after alias resolution). */
function translate(body: Record<string, unknown>): TranslatedImagesRequest {
  return openaiImagesToGemini(parseOpenAIImagesRequest(body).request);
}

/** The error a call throws; fails the test when it does not throw. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const GEMINI = 'gemini-2.5-flash-image';
const IMAGEN = 'imagen-4.0-generate-001';
const catPrompt: GeminiContent = { role: 'user', parts: [{ text: 'A red cat' }] };

describe('openaiImagesToGemini', () => {
  const cases: Array<{ name: string; body: Record<string, unknown>; expected: TranslatedImagesRequest }> = [
    {
      name: 'asks a Gemini image model for one IMAGE-only answer (the seed example)',
      body: { model: GEMINI, prompt: 'A red cat', response_format: 'b64_json', n: 1 },
      expected: {
        kind: 'generateContent',
        model: GEMINI,
        body: { contents: [catPrompt], generationConfig: { responseModalities: ['IMAGE'] } },
        calls: 1,
        warnings: [],
      },
    },
    {
      name: 'turns n into that many calls, each for one image',
      body: { model: 'gemini-3-pro-image', prompt: 'A red cat', n: 3 },
      expected: {
        kind: 'generateContent',
        model: 'gemini-3-pro-image',
        body: { contents: [catPrompt], generationConfig: { responseModalities: ['IMAGE'] } },
        calls: 3,
        warnings: [],
      },
    },
    {
      name: 'maps size to imageConfig.aspectRatio',
      body: { model: GEMINI, prompt: 'A red cat', size: '1536x1024' },
      expected: {
        kind: 'generateContent',
        model: GEMINI,
        body: { contents: [catPrompt], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' } } },
        calls: 1,
        warnings: [],
      },
    },
    {
      name: "applies Google's extra_body.google keys; aspect_ratio wins over size",
      body: {
        model: GEMINI,
        prompt: 'A red cat',
        size: '1024x1024',
        extra_body: {
          google: {
            aspect_ratio: '21:9',
            generation_config: { imageConfig: { imageSize: '2K' }, temperature: 0 },
            safety_settings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
          },
        },
      },
      expected: {
        kind: 'generateContent',
        model: GEMINI,
        body: {
          contents: [catPrompt],
          safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
          generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '21:9', imageSize: '2K' }, temperature: 0 },
        },
        calls: 1,
        warnings: [],
      },
    },
    {
      name: 'lets generation_config override the modalities, as Google documents it',
      body: { model: GEMINI, prompt: 'A red cat', google: { generation_config: { responseModalities: ['TEXT', 'IMAGE'] }, tools: [] } },
      expected: {
        kind: 'generateContent',
        model: GEMINI,
        body: { contents: [catPrompt], generationConfig: { responseModalities: ['TEXT', 'IMAGE'] } },
        calls: 1,
        warnings: ['google.tools'],
      },
    },
    {
      name: 'drops quality, style, user, moderation and output options with warnings, but not "auto"',
      body: {
        model: GEMINI,
        prompt: 'A red cat',
        quality: 'hd',
        style: 'vivid',
        user: 'user-1',
        background: 'auto',
        moderation: 'low',
        output_format: 'webp',
        output_compression: 80,
        extra_body: { seed: 1 },
      },
      expected: {
        kind: 'generateContent',
        model: GEMINI,
        body: { contents: [catPrompt], generationConfig: { responseModalities: ['IMAGE'] } },
        calls: 1,
        warnings: ['quality', 'style', 'user', 'output_format', 'output_compression', 'moderation', 'extra_body.seed'],
      },
    },
    {
      name: 'sends imagen-* models to :predict with sampleCount and aspectRatio',
      body: { model: IMAGEN, prompt: 'A red cat', n: 4, size: '1792x1024', response_format: 'b64_json' },
      expected: {
        kind: 'predict',
        model: IMAGEN,
        body: { instances: [{ prompt: 'A red cat' }], parameters: { sampleCount: 4, aspectRatio: '16:9', includeRaiReason: true } },
        warnings: [],
      },
    },
    {
      name: 'always sets sampleCount for Imagen, whose default is 4, and warns about Gemini-only extensions',
      body: { model: IMAGEN, prompt: 'A red cat', extra_body: { google: { generation_config: {}, safety_settings: [] } } },
      expected: {
        kind: 'predict',
        model: IMAGEN,
        body: { instances: [{ prompt: 'A red cat' }], parameters: { sampleCount: 1, includeRaiReason: true } },
        warnings: ['extra_body.google.generation_config', 'extra_body.google.safety_settings'],
      },
    },
  ];
  it.each(cases)('$name', ({ body, expected }) => {
    expect(translate(body)).toEqual(expected);
  });

  const refusals = [
    {
      name: 'refuses response_format "url": there is no storage to serve it from',
      body: { model: GEMINI, prompt: 'p', response_format: 'url' },
      expected: { param: 'response_format', code: 'unsupported_value' },
    },
    {
      name: 'refuses streaming',
      body: { model: GEMINI, prompt: 'p', stream: true },
      expected: { param: 'stream', code: 'unsupported_parameter' },
    },
    {
      name: 'refuses an OpenAI model name that no alias maps',
      body: { model: 'dall-e-3', prompt: 'p' },
      expected: {
        param: 'model',
        code: 'model_not_supported',
        message:
          "Model 'dall-e-3' cannot generate images. Use a Gemini image model such as gemini-2.5-flash-image, an imagen-* model, or configure an alias.",
      },
    },
    {
      name: 'refuses a Gemini text model',
      body: { model: 'gemini-2.5-flash', prompt: 'p' },
      expected: { param: 'model', code: 'model_not_supported' },
    },
    {
      name: 'refuses more than four Imagen samples',
      body: { model: IMAGEN, prompt: 'p', n: 5 },
      expected: { param: 'n', code: 'unsupported_value', message: 'Imagen models generate 1 to 4 images per request; got n=5.' },
    },
    {
      name: 'names the extension key that is invalid',
      body: { model: GEMINI, prompt: 'p', extra_body: { google: { aspect_ratio: 16 } } },
      expected: { param: 'extra_body.google.aspect_ratio', code: 'invalid_value' },
    },
    {
      name: 'lists the supported sizes for an unsupported one',
      body: { model: GEMINI, prompt: 'p', size: '1000x300' },
      expected: {
        param: 'size',
        code: 'unsupported_value',
        message:
          "Unsupported size '1000x300'. Supported: auto, 256x256, 512x512, 1024x1024, 1536x1024, 1024x1536, 1792x1024, 1024x1792; any WIDTHxHEIGHT in, or the ratio itself of: 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9.",
      },
    },
  ];
  it.each(refusals)('$name', ({ body, expected }) => {
    expect(thrownBy(() => translate(body))).toMatchObject({ status: 400, type: 'invalid_request_error', ...expected });
  });
});

describe('openaiSizeToAspectRatio', () => {
  const cases: Array<{ size: string | null; family: ImageModelFamily; expected: string | undefined }> = [
    { size: null, family: 'gemini', expected: undefined },
    { size: 'auto', family: 'gemini', expected: undefined },
    { size: '256x256', family: 'gemini', expected: '1:1' },
    { size: '512x512', family: 'gemini', expected: '1:1' },
    { size: '1024x1024', family: 'gemini', expected: '1:1' },
    { size: '1536x1024', family: 'gemini', expected: '3:2' },
    { size: '1024x1536', family: 'gemini', expected: '2:3' },
    { size: '1792x1024', family: 'gemini', expected: '16:9' },
    { size: '1024x1792', family: 'gemini', expected: '9:16' },
    { size: '16:9', family: 'gemini', expected: '16:9' },
    { size: '21:9', family: 'gemini', expected: '21:9' },
    { size: '1536x864', family: 'gemini', expected: '16:9' },
    { size: ' 1024X768 ', family: 'gemini', expected: '4:3' },
    { size: '1024x1024', family: 'imagen', expected: '1:1' },
    { size: '1536x1024', family: 'imagen', expected: '4:3' },
    { size: '1024x1536', family: 'imagen', expected: '3:4' },
    { size: '1792x1024', family: 'imagen', expected: '16:9' },
    { size: '1024x1792', family: 'imagen', expected: '9:16' },
    { size: '3:4', family: 'imagen', expected: '3:4' },
  ];
  it.each(cases)('$family: $size → $expected', ({ size, family, expected }) => {
    expect(openaiSizeToAspectRatio(size, family)).toBe(expected);
  });

  it.each([
    { size: '21:9', family: 'imagen' as const },
    { size: '1200x800', family: 'imagen' as const },
    { size: '0x0', family: 'gemini' as const },
    { size: 'large', family: 'gemini' as const },
  ])('$family: refuses $size', ({ size, family }) => {
    expect(thrownBy(() => openaiSizeToAspectRatio(size, family))).toMatchObject({ status: 400, param: 'size', code: 'unsupported_value' });
  });
});

describe('parseOpenAIImagesRequest', () => {
  it('keeps the request and lists unknown top-level keys', () => {
    expect(parseOpenAIImagesRequest({ model: GEMINI, prompt: 'p', brand_new: 1 })).toEqual({
      request: { model: GEMINI, prompt: 'p' },
      unknownKeys: ['brand_new'],
    });
  });

  const invalid = [
    {
      name: 'refuses a missing model instead of defaulting to dall-e-2',
      body: { prompt: 'p' },
      expected: {
        param: 'model',
        code: 'missing_required_parameter',
        message:
          "Missing required parameter: 'model'. Name a Gemini image model such as gemini-2.5-flash-image (OpenAI's default dall-e-2 is not served).",
      },
    },
    { name: 'treats model null as missing', body: { model: null, prompt: 'p' }, expected: { param: 'model', code: 'missing_required_parameter' } },
    { name: 'requires a prompt', body: { model: GEMINI }, expected: { param: 'prompt', code: 'missing_required_parameter' } },
    { name: 'refuses a blank prompt', body: { model: GEMINI, prompt: '  ' }, expected: { param: 'prompt', code: 'invalid_value' } },
    { name: 'refuses n = 0', body: { model: GEMINI, prompt: 'p', n: 0 }, expected: { param: 'n', code: 'invalid_value' } },
    { name: 'refuses n = 11', body: { model: GEMINI, prompt: 'p', n: 11 }, expected: { param: 'n', code: 'invalid_value' } },
    {
      name: 'refuses an unknown response_format',
      body: { model: GEMINI, prompt: 'p', response_format: 'png' },
      expected: { param: 'response_format', code: 'invalid_value' },
    },
    { name: 'refuses a body that is not an object', body: [], expected: { param: null, code: 'invalid_body' } },
  ];
  it.each(invalid)('$name', ({ body, expected }) => {
    expect(thrownBy(() => parseOpenAIImagesRequest(body))).toMatchObject({ status: 400, type: 'invalid_request_error', ...expected });
  });
});
