import { emulatedEmbedding } from '../../emulator/default-embeddings';
import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { loadRecordedJson } from '../../helpers/recorded-fixtures';
import { postJson } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

interface BatchResponse {
  embeddings?: Array<{ values: number[] }>;
}

const MODEL = 'models/gemini-embedding-001';
const BATCH = '/v1beta/models/gemini-embedding-001:batchEmbedContents';

function entry(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: MODEL, content: { parts: [{ text }] }, ...extra };
}

async function batch(body: unknown, path = BATCH) {
  return postJson<BatchResponse>(emulator, path, body);
}

describe('POST :batchEmbedContents', () => {
  it('answers one embedding per request, in order, each with its own task type and dimensions', async () => {
    const response = await batch({
      requests: [
        entry('first'),
        entry('second', { taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc', outputDimensionality: 768 }),
        entry('third', { task_type: 'RETRIEVAL_QUERY', output_dimensionality: 16 }),
      ],
    });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      embeddings: [
        { values: emulatedEmbedding('first', 3072) },
        { values: emulatedEmbedding('second', 768, 'RETRIEVAL_DOCUMENT', 'Doc') },
        { values: emulatedEmbedding('third', 16, 'RETRIEVAL_QUERY') },
      ],
    });
  });

  it('sends no usageMetadata (the Gemini API reports no token counts for embeddings)', async () => {
    const response = await batch({ requests: [entry('a')] });
    expect(Object.keys(response.json)).toEqual(['embeddings']);
  });

  it('gives a batch entry the same vector embedContent gives the same text', async () => {
    const single = await postJson<{ embedding?: { values: number[] } }>(emulator, '/v1beta/models/gemini-embedding-001:embedContent', {
      content: { parts: [{ text: 'same' }] },
      taskType: 'CLASSIFICATION',
    });
    const batched = await batch({ requests: [entry('other'), entry('same', { taskType: 'CLASSIFICATION' })] });
    expect(batched.json.embeddings?.[1]?.values).toEqual(single.json.embedding?.values);
  });

  it('accepts exactly 100 requests', async () => {
    const response = await batch({ requests: Array.from({ length: 100 }, (_, index) => entry(`text ${index}`, { outputDimensionality: 4 })) });
    expect(response.status).toBe(200);
    expect(response.json.embeddings).toHaveLength(100);
    expect(response.json.embeddings?.[99]?.values).toEqual(emulatedEmbedding('text 99', 4));
  });

  it('rejects 101 requests with the recorded body, byte for byte in meaning', async () => {
    const response = await batch({ requests: Array.from({ length: 101 }, (_, index) => entry(`text ${index}`)) });

    expect(response.status).toBe(400);
    expect(response.json).toEqual(loadRecordedJson('vercel-ai/google-embedding-batch-limit-error.json'));
    expect(response.json.error?.message).toBe('* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n');
  });

  it('rejects 150 requests as issue-16101 recorded', async () => {
    const recorded = loadRecordedJson('vercel-ai/issue-16101-google-batch-embed-150-error.json') as { status: number; body: unknown };
    const response = await batch({ requests: Array.from({ length: 150 }, (_, index) => entry(`text ${index}`)) });

    expect(response.status).toBe(recorded.status);
    expect(response.json).toEqual(recorded.body);
  });
});

describe('POST :batchEmbedContents errors', () => {
  it.each([
    {
      name: 'a request without model',
      requests: [entry('a'), { content: { parts: [{ text: 'b' }] } }],
      message: '* BatchEmbedContentsRequest.requests[1].model: model is not specified\n',
    },
    {
      name: 'a bare model id without models/',
      requests: [entry('a', { model: 'gemini-embedding-001' })],
      message: '* BatchEmbedContentsRequest.requests[0].model: unexpected model name format\n',
    },
    {
      name: 'a request for another model than the URL',
      requests: [entry('a'), entry('b', { model: 'models/gemini-embedding-2' })],
      message: /^\* BatchEmbedContentsRequest\.requests\[1\]\.model: .*models\/gemini-embedding-2.*models\/gemini-embedding-001/,
    },
    {
      name: 'an unknown taskType in one request',
      requests: [entry('a'), entry('b', { taskType: 'SEARCH' })],
      message: `Invalid value at 'requests[1].task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "SEARCH"`,
    },
    {
      name: 'an unknown taskType inside embedContentConfig',
      requests: [entry('a', { embedContentConfig: { taskType: 'SEARCH' } })],
      message: `Invalid value at 'requests[0].embed_content_config.task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "SEARCH"`,
    },
    {
      name: 'an out-of-range outputDimensionality',
      requests: [entry('a', { outputDimensionality: 4096 })],
      message: '* BatchEmbedContentsRequest.requests[0].output_dimensionality: output_dimensionality must be in the range [1, 3072], got 4096.\n',
    },
    {
      name: 'empty text in one request',
      requests: [entry('a'), entry('b'), entry('')],
      message: 'BatchEmbedContentsRequest.requests[2].content contains an empty Part.',
    },
    {
      name: 'a part without data (as live traffic recorded it)',
      requests: [{ model: MODEL, content: { parts: [{}] } }],
      message: "* BatchEmbedContentsRequest.requests[0].content.parts[0].data: required oneof field 'data' must have one initialized field\n",
    },
    {
      name: 'an unknown field in one request',
      requests: [entry('a', { dimensions: 8 })],
      message: `Invalid JSON payload received. Unknown name "dimensions" at 'requests[0]': Cannot find field.`,
    },
    { name: 'no requests', requests: [], message: '* BatchEmbedContentsRequest.requests: requests is not specified\n' },
  ])('answers 400 INVALID_ARGUMENT for $name', async ({ requests, message }) => {
    const response = await batch({ requests });

    expect(response.status).toBe(400);
    expect(response.json.error?.status).toBe('INVALID_ARGUMENT');
    if (typeof message === 'string') expect(response.json.error?.message).toBe(message);
    else expect(response.json.error?.message).toMatch(message);
  });

  it('lists every missing model in one message, as Google does', async () => {
    const response = await batch({ requests: [{ content: { parts: [{ text: 'a' }] } }, { content: { parts: [{ text: 'b' }] } }] });
    expect(response.json.error?.message).toBe(
      '* BatchEmbedContentsRequest.requests[0].model: model is not specified\n* BatchEmbedContentsRequest.requests[1].model: model is not specified\n',
    );
  });

  it.each(['gemini-2.5-flash', 'text-embedding-004'])('answers 404 for %s', async (model) => {
    const response = await batch({ requests: [entry('a', { model: `models/${model}` })] }, `/v1beta/models/${model}:batchEmbedContents`);

    expect(response.status).toBe(404);
    expect(response.json.error?.message).toBe(
      `models/${model} is not found for API version v1beta, or is not supported for batchEmbedContents. Call ListModels to see the list of available models and their supported methods.`,
    );
  });
});
