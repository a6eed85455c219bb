import {
  geminiImageResponseSchema,
  geminiImagesToOpenAI,
  imagenPredictResponseSchema,
  type TranslatedImagesResponse,
} from '@sidecar/translate/images/gemini-images-to-openai';
import { loadRecordedJson } from '../../../helpers/recorded-fixtures';

const CREATED = 1_700_000_000;

/** Parses each body with the route's schema, then translates as one request's generateContent calls. */
function fromGenerated(...raw: unknown[]): TranslatedImagesResponse {
  return geminiImagesToOpenAI({ kind: 'generateContent', responses: raw.map((body) => geminiImageResponseSchema.parse(body)) }, CREATED);
}

/** Parses with the route's schema, then translates as a `:predict` answer. */
function fromPredicted(raw: unknown): TranslatedImagesResponse {
  return geminiImagesToOpenAI({ kind: 'predict', response: imagenPredictResponseSchema.parse(raw) }, CREATED);
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

const png = (data: string) => ({ inlineData: { mimeType: 'image/png', data } });
const imageAnswer = (data: string, usage = { promptTokenCount: 5, candidatesTokenCount: 1290, totalTokenCount: 1295 }) => ({
  candidates: [{ content: { role: 'model', parts: [png(data)] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { ...usage, candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }] },
});

describe('geminiImagesToOpenAI (generateContent)', () => {
  const cases: Array<{ name: string; responses: unknown[]; expected: TranslatedImagesResponse }> = [
    {
      name: 'recorded gemini-3.1-flash-image answer: one signed JPEG, gpt-image usage',
      responses: [loadRecordedJson('vercel-ai/google-image-gemini-3.1-flash-image.json')],
      expected: {
        response: {
          created: CREATED,
          data: [{ b64_json: '<redacted live image data; length=439196>' }],
          output_format: 'jpeg',
          usage: {
            input_tokens: 10,
            output_tokens: 1392,
            total_tokens: 1402,
            input_tokens_details: { text_tokens: 10, image_tokens: 0 },
            output_tokens_details: { text_tokens: 272, image_tokens: 1120 },
          },
        },
        warnings: [],
      },
    },
    {
      name: 'keeps call order and sums usage over the n calls',
      responses: [imageAnswer('first'), imageAnswer('second')],
      expected: {
        response: {
          created: CREATED,
          data: [{ b64_json: 'first' }, { b64_json: 'second' }],
          output_format: 'png',
          usage: {
            input_tokens: 10,
            output_tokens: 2580,
            total_tokens: 2590,
            input_tokens_details: { text_tokens: 10, image_tokens: 0 },
            output_tokens_details: { text_tokens: 0, image_tokens: 2580 },
          },
        },
        warnings: [],
      },
    },
    {
      name: 'skips interim thought images, counts thinking as output, drops commentary text with a warning',
      responses: [
        {
          candidates: [
            {
              content: { parts: [{ ...png('draft'), thought: true }, { text: 'Here is your cat.' }, png('final')] },
              finishReason: 'STOP',
            },
          ],
          usageMetadata: {
            promptTokenCount: 7,
            candidatesTokenCount: 1300,
            thoughtsTokenCount: 200,
            totalTokenCount: 1507,
            promptTokensDetails: [{ modality: 'TEXT', tokenCount: 7 }],
          },
        },
      ],
      expected: {
        response: {
          created: CREATED,
          data: [{ b64_json: 'final' }],
          output_format: 'png',
          usage: {
            input_tokens: 7,
            output_tokens: 1500,
            total_tokens: 1507,
            input_tokens_details: { text_tokens: 7, image_tokens: 0 },
            output_tokens_details: { text_tokens: 1500, image_tokens: 0 },
          },
        },
        warnings: ['text parts dropped'],
      },
    },
    {
      name: 'returns the images it got when one of the calls was refused, without usage when Gemini sent none',
      responses: [
        { candidates: [{ content: { parts: [png('ok')] }, finishReason: 'STOP' }] },
        { candidates: [{ content: {}, finishReason: 'IMAGE_SAFETY' }] },
      ],
      expected: {
        response: { created: CREATED, data: [{ b64_json: 'ok' }], output_format: 'png' },
        warnings: ['a call returned no image (IMAGE_SAFETY)'],
      },
    },
    {
      name: 'leaves output_format out for a MIME type OpenAI has no name for',
      responses: [{ candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/heic', data: 'h' } }] } }] }],
      expected: { response: { created: CREATED, data: [{ b64_json: 'h' }] }, warnings: [] },
    },
  ];
  it.each(cases)('$name', ({ responses, expected }) => {
    expect(fromGenerated(...responses)).toEqual(expected);
  });

  const policy = { status: 400, type: 'invalid_request_error', code: 'content_policy_violation', param: null };
  const noImage = { status: 502, type: 'api_error', code: 'upstream_no_image', param: null };
  const failures = [
    {
      name: 'recorded NO_IMAGE answer → 502 upstream_no_image',
      responses: [loadRecordedJson('vercel-ai/google-image-no-image-live.json')],
      expected: { ...noImage, message: 'Gemini returned no image (NO_IMAGE).' },
    },
    {
      name: 'text-only answer → 502 quoting what Gemini said',
      responses: [{ candidates: [{ content: { parts: [{ text: 'I can only describe cats.' }] }, finishReason: 'STOP' }] }],
      expected: { ...noImage, message: 'Gemini returned no image (STOP). It said: I can only describe cats.' },
    },
    {
      name: 'no candidates and no block reason → 502',
      responses: [{ usageMetadata: { promptTokenCount: 3 } }],
      expected: { ...noImage, message: 'Gemini returned no image (no candidates).' },
    },
    {
      name: 'IMAGE_SAFETY → 400 content_policy_violation keeping the finish message',
      responses: [{ candidates: [{ content: {}, finishReason: 'IMAGE_SAFETY', finishMessage: 'Unable to show the generated image.' }] }],
      expected: { ...policy, message: 'Gemini refused to generate the image: IMAGE_SAFETY: Unable to show the generated image.' },
    },
    {
      name: 'SAFETY on every call → 400 naming each reason',
      responses: [
        { candidates: [{ content: {}, finishReason: 'SAFETY' }] },
        { candidates: [{ content: {}, finishReason: 'IMAGE_PROHIBITED_CONTENT' }] },
      ],
      expected: { ...policy, message: 'Gemini refused to generate the image: SAFETY; IMAGE_PROHIBITED_CONTENT' },
    },
    {
      name: 'promptFeedback.blockReason → 400',
      responses: [{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }],
      expected: { ...policy, message: 'Gemini refused to generate the image: prompt blocked (PROHIBITED_CONTENT)' },
    },
    {
      name: 'a refusal beside a plain failure is still reported as the refusal',
      responses: [{ candidates: [{ content: {}, finishReason: 'NO_IMAGE' }] }, { promptFeedback: { blockReason: 'SAFETY' } }],
      expected: { ...policy, message: 'Gemini refused to generate the image: prompt blocked (SAFETY)' },
    },
  ];
  it.each(failures)('$name', ({ responses, expected }) => {
    expect(thrownBy(() => fromGenerated(...responses))).toMatchObject(expected);
  });
});

describe('geminiImagesToOpenAI (Imagen predict)', () => {
  const cases: Array<{ name: string; raw: unknown; expected: TranslatedImagesResponse }> = [
    {
      name: 'maps predictions to b64_json and the enhanced prompt to revised_prompt',
      raw: {
        predictions: [
          { bytesBase64Encoded: 'one', mimeType: 'image/png', prompt: 'A photorealistic red cat on a sofa' },
          { bytesBase64Encoded: 'two', mimeType: 'image/png' },
        ],
      },
      expected: {
        response: {
          created: CREATED,
          data: [{ b64_json: 'one', revised_prompt: 'A photorealistic red cat on a sofa' }, { b64_json: 'two' }],
          output_format: 'png',
        },
        warnings: [],
      },
    },
    {
      name: 'drops a filtered image with a warning when others remain',
      raw: {
        predictions: [{ bytesBase64Encoded: 'one', mimeType: 'image/jpeg' }, { raiFilteredReason: 'Unable to show the image (code 58061214).' }],
      },
      expected: {
        response: { created: CREATED, data: [{ b64_json: 'one' }], output_format: 'jpeg' },
        warnings: ['an image was filtered (Unable to show the image (code 58061214).)'],
      },
    },
  ];
  it.each(cases)('$name', ({ raw, expected }) => {
    expect(fromPredicted(raw)).toEqual(expected);
  });

  const policy = { status: 400, type: 'invalid_request_error', code: 'content_policy_violation', param: null };
  it.each([
    {
      name: 'raiFilteredReason on every prediction → 400 with the reasons',
      raw: { predictions: [{ raiFilteredReason: 'Reason A' }, { raiFilteredReason: 'Reason B' }] },
      expected: { ...policy, message: "Imagen's safety filters rejected the request: Reason A; Reason B" },
    },
    {
      name: 'no predictions at all → 400',
      raw: {},
      expected: { ...policy, message: "Imagen's safety filters rejected the request: Imagen returned no predictions" },
    },
  ])('$name', ({ raw, expected }) => {
    expect(thrownBy(() => fromPredicted(raw))).toMatchObject(expected);
  });
});
