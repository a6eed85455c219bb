import { EMBEDDING_DIMENSIONS, emulatedEmbedding } from '../../emulator/default-embeddings';
import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { generate, postJson, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

interface EmbedResponse {
  embedding?: { values: number[] };
}

const EMBED = '/v1beta/models/gemini-embedding-001:embedContent';

function embedBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { content: { parts: [{ text }] }, ...extra };
}

async function embed(body: unknown, path = EMBED) {
  return postJson<EmbedResponse>(emulator, path, body);
}

function norm(values: number[]): number {
  return Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
}

describe('POST :embedContent', () => {
  it('answers {"embedding": {"values": [...]}} with the 3072-wide vector emulatedEmbedding computes', async () => {
    const response = await embed(embedBody('The cat is on the mat'));

    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual(['embedding']);
    expect(Object.keys(response.json.embedding ?? {})).toEqual(['values']);
    expect(response.json.embedding?.values).toEqual(emulatedEmbedding('The cat is on the mat', EMBEDDING_DIMENSIONS));
    expect(response.json.embedding?.values).toHaveLength(3072);
  });

  it('sends unit-length float32 values with negatives, fractions and no repeats at 3072 dimensions', async () => {
    const values = (await embed(embedBody('normalize me'))).json.embedding?.values ?? [];

    expect(Math.abs(norm(values) - 1)).toBeLessThan(1e-6);
    expect(values.every((value) => Math.fround(value) === value && !Number.isInteger(value))).toBe(true);
    expect(values.some((value) => value < 0)).toBe(true);
    expect(values.some((value) => value > 0)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(3000);
    expect(Math.max(...values.map(Math.abs))).toBeLessThan(0.2);
  });

  it('is deterministic per text and task type; TASK_TYPE_UNSPECIFIED equals no task type', async () => {
    const first = (await embed(embedBody('same text'))).json.embedding?.values;
    const again = (await embed(embedBody('same text'))).json.embedding?.values;
    const unspecified = (await embed(embedBody('same text', { taskType: 'TASK_TYPE_UNSPECIFIED' }))).json.embedding?.values;
    const query = (await embed(embedBody('same text', { taskType: 'RETRIEVAL_QUERY' }))).json.embedding?.values;
    const other = (await embed(embedBody('other text'))).json.embedding?.values;

    expect(again).toEqual(first);
    expect(unspecified).toEqual(first);
    expect(query).toEqual(emulatedEmbedding('same text', 3072, 'RETRIEVAL_QUERY'));
    expect(query).not.toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('truncates to outputDimensionality like Matryoshka embeddings: a prefix of the 3072 vector, not renormalized', async () => {
    const full = emulatedEmbedding('shrink', 3072, 'SEMANTIC_SIMILARITY');
    const values = (await embed(embedBody('shrink', { taskType: 'SEMANTIC_SIMILARITY', outputDimensionality: 768 }))).json.embedding?.values ?? [];

    expect(values).toEqual(full.slice(0, 768));
    expect(values).toEqual(emulatedEmbedding('shrink', 768, 'SEMANTIC_SIMILARITY'));
    expect(norm(values)).toBeGreaterThan(0.3);
    expect(norm(values)).toBeLessThan(0.8);
  });

  it.each([
    { name: 'snake_case task_type and output_dimensionality', extra: { task_type: 'CLUSTERING', output_dimensionality: 256 } },
    { name: 'embedContentConfig (the current docs location)', extra: { embedContentConfig: { taskType: 'CLUSTERING', outputDimensionality: 256 } } },
    { name: 'embed_content_config with a decimal-string int32', extra: { embed_content_config: { task_type: 'CLUSTERING', output_dimensionality: '256' } } },
    { name: 'a model field in the body', extra: { model: 'models/gemini-embedding-001', taskType: 'CLUSTERING', outputDimensionality: 256 } },
  ])('accepts $name', async ({ extra }) => {
    const response = await embed(embedBody('spellings', extra));

    expect(response.status).toBe(200);
    expect(response.json.embedding?.values).toEqual(emulatedEmbedding('spellings', 256, 'CLUSTERING'));
  });

  it('uses title for RETRIEVAL_DOCUMENT only, as Google documents', async () => {
    const titled = (await embed(embedBody('doc', { taskType: 'RETRIEVAL_DOCUMENT', title: 'A title' }))).json.embedding?.values;
    const untitled = (await embed(embedBody('doc', { taskType: 'RETRIEVAL_DOCUMENT' }))).json.embedding?.values;
    const queryTitled = (await embed(embedBody('doc', { taskType: 'RETRIEVAL_QUERY', title: 'A title' }))).json.embedding?.values;

    expect(titled).toEqual(emulatedEmbedding('doc', 3072, 'RETRIEVAL_DOCUMENT', 'A title'));
    expect(titled).not.toEqual(untitled);
    expect(queryTitled).toEqual(emulatedEmbedding('doc', 3072, 'RETRIEVAL_QUERY'));
  });

  it('concatenates the text parts of the content', async () => {
    const response = await embed({ content: { parts: [{ text: 'two ' }, { text: 'parts' }] } });
    expect(response.json.embedding?.values).toEqual(emulatedEmbedding('two parts', 3072));
  });

  it.each(['gemini-embedding-2', 'gemini-embedding-2-preview'])('serves %s', async (model) => {
    const response = await embed(embedBody('x', { outputDimensionality: 8 }), `/v1beta/models/${model}:embedContent`);
    expect(response.json.embedding?.values).toHaveLength(8);
  });

  it('lets a queued script answer instead of the default', async () => {
    emulator.enqueue({ kind: 'json', body: { embedding: { values: [0.5] } } });
    expect((await embed(embedBody('x'))).json.embedding?.values).toEqual([0.5]);
  });
});

describe('emulatedEmbedding', () => {
  it.each([0, 3073, 1.5])('throws a RangeError for %p dimensions', (dimensions) => {
    expect(() => emulatedEmbedding('x', dimensions)).toThrow(RangeError);
  });
});

describe('POST :embedContent errors', () => {
  it.each([
    { model: 'text-embedding-004', why: 'retired 2026-01-14' },
    { model: 'embedding-001', why: 'legacy, retired' },
    { model: 'gemini-2.5-flash', why: 'a chat model' },
    { model: 'imagen-4.0-generate-001', why: 'an Imagen model' },
  ])('answers 404 NOT_FOUND for $model ($why) with Google wording', async ({ model }) => {
    const response = await embed(embedBody('x'), `/v1beta/models/${model}:embedContent`);

    expect(response.status).toBe(404);
    expect(response.json.error).toEqual({
      code: 404,
      message: `models/${model} is not found for API version v1beta, or is not supported for embedContent. Call ListModels to see the list of available models and their supported methods.`,
      status: 'NOT_FOUND',
    });
  });

  it.each([
    {
      name: 'an unknown taskType',
      body: embedBody('x', { taskType: 'SEARCH' }),
      message: `Invalid value at 'task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "SEARCH"`,
    },
    {
      name: 'a lower-case taskType (proto enum names are exact)',
      body: embedBody('x', { task_type: 'retrieval_query' }),
      message: `Invalid value at 'task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "retrieval_query"`,
    },
    { name: 'a fractional outputDimensionality', body: embedBody('x', { outputDimensionality: 1.5 }), message: `Invalid value at 'output_dimensionality' (TYPE_INT32), 1.5` },
    { name: 'outputDimensionality 0', body: embedBody('x', { outputDimensionality: 0 }), message: '* EmbedContentRequest.output_dimensionality: output_dimensionality must be in the range [1, 3072], got 0.\n' },
    { name: 'outputDimensionality 3073', body: embedBody('x', { output_dimensionality: 3073 }), message: /range \[1, 3072\], got 3073/ },
    { name: 'empty text', body: embedBody(''), message: 'EmbedContentRequest.content contains an empty Part.' },
    { name: 'one empty part among others', body: { content: { parts: [{ text: 'a' }, { text: '' }] } }, message: 'EmbedContentRequest.content contains an empty Part.' },
    { name: 'no content', body: { taskType: 'CLUSTERING' }, message: '* EmbedContentRequest.content: content is not specified\n' },
    { name: 'an empty body', body: '', message: '* EmbedContentRequest.content: content is not specified\n' },
    { name: 'a part without data', body: { content: { parts: [{}] } }, message: /EmbedContentRequest\.content\.parts\[0\]\.data: required oneof field 'data'/ },
    { name: "OpenAI's dimensions field", body: embedBody('x', { dimensions: 8 }), message: 'Invalid JSON payload received. Unknown name "dimensions": Cannot find field.' },
    { name: 'invalid JSON', body: '{"content":', message: /Invalid JSON payload received/ },
  ])('answers 400 INVALID_ARGUMENT for $name', async ({ body, message }) => {
    const response = await embed(body);

    expect(response.status).toBe(400);
    expect(response.json.error?.status).toBe('INVALID_ARGUMENT');
    if (typeof message === 'string') expect(response.json.error?.message).toBe(message);
    else expect(response.json.error?.message).toMatch(message);
  });

  it('reports enum errors with a BadRequest field violation naming the field', async () => {
    const response = await embed(embedBody('x', { embedContentConfig: { taskType: 'NOPE' } }));
    expect(response.json.error?.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [
          {
            field: 'embed_content_config.task_type',
            description: `Invalid value at 'embed_content_config.task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "NOPE"`,
          },
        ],
      },
    ]);
  });

  it('checks the API key first', async () => {
    const response = await fetch(`${emulator.url}${EMBED}`, { method: 'POST', body: JSON.stringify(embedBody('x')) });
    expect(response.status).toBe(403);
  });

  it('answers generateContent on an embedding model with 404', async () => {
    const response = await generate(emulator, 'gemini-embedding-001', userBody('hi'));
    expect(response.status).toBe(404);
    expect(response.json.error?.message).toMatch(/^models\/gemini-embedding-001 is not found for API version v1beta, or is not supported for generateContent\./);
  });
});
