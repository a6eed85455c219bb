import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import { float32Base64, geminiEmbeddingsToOpenAI } from '@sidecar/translate/embeddings/gemini-embeddings-to-openai';
import { openAIEmbeddingsRequestSchema } from '@sidecar/translate/embeddings/openai-embeddings-schema';
import { MAX_BATCH_SIZE, openaiEmbeddingsToGemini } from '@sidecar/translate/embeddings/openai-embeddings-to-gemini';

const translate = (body: Record<string, unknown>, defaults = {}) =>
  openaiEmbeddingsToGemini(openAIEmbeddingsRequestSchema.parse({ model: 'gemini-embedding-001', ...body }), 'gemini-embedding-001', defaults);

describe('OpenAI embeddings request → batchEmbedContents', () => {
  it.each([
    {
      name: 'a single string',
      body: { input: 'hello' },
      expected: [{ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] } }] }],
    },
    {
      name: 'dimensions → outputDimensionality, task type and title from extra_body.google',
      body: { input: ['a'], dimensions: 256, extra_body: { google: { task_type: 'retrieval_document', title: 'Doc' } } },
      expected: [
        {
          requests: [
            { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc', outputDimensionality: 256 },
          ],
        },
      ],
    },
  ])('translates $name', ({ body, expected }) => {
    expect(translate(body).batches).toEqual(expected);
  });

  it('splits 250 inputs into batches of 100, 100 and 50 in input order', () => {
    const inputs = Array.from({ length: 250 }, (_, index) => `text ${index}`);
    const { batches } = translate({ input: inputs });
    expect(batches.map((batch) => batch.requests.length)).toEqual([MAX_BATCH_SIZE, MAX_BATCH_SIZE, 50]);
    expect(batches.flatMap((batch) => batch.requests.map((request) => request.content.parts[0]!.text))).toEqual(inputs);
  });

  it('applies an alias default dimension only when the request sets none', () => {
    expect(translate({ input: 'a' }, { dimensions: 768 }).batches[0]!.requests[0]!.outputDimensionality).toBe(768);
    expect(translate({ input: 'a', dimensions: 64 }, { dimensions: 768 }).batches[0]!.requests[0]!.outputDimensionality).toBe(64);
  });

  it('defaults encoding_format to float', () => {
    expect(translate({ input: 'a' }).encodingFormat).toBe('float');
    expect(translate({ input: 'a', encoding_format: 'base64' }).encodingFormat).toBe('base64');
  });

  it.each([
    { name: 'token ids', body: { input: [1, 2, 3] }, param: 'input[0]', code: 'unsupported_input' },
    { name: 'token id arrays', body: { input: [[1, 2]] }, param: 'input[0]', code: 'unsupported_input' },
    { name: 'an empty list', body: { input: [] }, param: 'input', code: 'invalid_value' },
    { name: 'an empty string', body: { input: '' }, param: 'input', code: 'invalid_value' },
    { name: 'an empty string in a list', body: { input: ['a', ''] }, param: 'input[1]', code: 'invalid_value' },
    { name: 'an unknown task type', body: { input: 'a', google: { task_type: 'nonsense' } }, param: 'google.task_type', code: 'invalid_value' },
  ])('refuses $name with 400 naming $param', ({ body, param, code }) => {
    let thrown: unknown;
    try {
      translate(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect(thrown).toMatchObject({ param, code, status: 400 });
  });
});

describe('batchEmbedContents responses → OpenAI', () => {
  it('encodes base64 as little-endian float32 that decodes to the exact float32 values', () => {
    const values = [0.1, -2.5, 3.4028234663852886e38, 1e-7];
    const bytes = Buffer.from(float32Base64(values), 'base64');
    const decoded = Array.from({ length: values.length }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(Array.from(new Float32Array(values)));
  });

  it('numbers vectors across batches and estimates usage when Gemini gives no counts', () => {
    const { response, estimatedUsage } = geminiEmbeddingsToOpenAI(
      [{ embeddings: [{ values: [1] }, { values: [2] }] }, { embeddings: [{ values: [3] }] }],
      ['abcd', 'abcdefgh', 'a'],
      { model: 'text-embedding-004', encodingFormat: 'float' },
    );
    expect(response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [1] },
        { object: 'embedding', index: 1, embedding: [2] },
        { object: 'embedding', index: 2, embedding: [3] },
      ],
      model: 'text-embedding-004',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(estimatedUsage).toBe(true);
  });

  it("reports Gemini's own token counts when every batch has them", () => {
    const { response, estimatedUsage } = geminiEmbeddingsToOpenAI(
      [{ embeddings: [{ values: [1] }], usageMetadata: { promptTokenCount: 7 } }],
      ['x'],
      { model: 'm', encodingFormat: 'float' },
    );
    expect(response.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    expect(estimatedUsage).toBe(false);
  });
});
