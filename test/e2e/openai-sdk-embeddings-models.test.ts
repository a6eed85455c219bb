import OpenAI from 'openai';
import { emulatedEmbedding } from '../emulator/default-embeddings';
import { useSdkHarness } from '../helpers/sdk-harness';
import { BACKENDS, type BackendName, type SidecarHarness } from '../helpers/sidecar-harness';
import type { RecordedRequest } from '../emulator/gemini-emulator';

interface BatchBody {
  requests: Array<{ model: string; content: { parts: Array<{ text: string }> }; outputDimensionality?: number }>;
}

interface PredictBody {
  instances: Array<{ content: string }>;
  parameters?: { outputDimensionality?: number };
}

/** The embeddings method each backend is called with: batchEmbedContents of 100, or Vertex :predict (gemini-embedding-001: one instance a call). */
const EMBED = {
  'developer-api': {
    method: 'batchEmbedContents',
    texts: (request: RecordedRequest) => (request.body as BatchBody).requests.map((entry) => entry.content.parts[0]!.text),
    dimensions: (request: RecordedRequest) => (request.body as BatchBody).requests[0]!.outputDimensionality,
    batchSizes: (count: number) => [100, 100, count - 200],
  },
  vertex: {
    method: 'predict',
    texts: (request: RecordedRequest) => (request.body as PredictBody).instances.map((instance) => instance.content),
    dimensions: (request: RecordedRequest) => (request.body as PredictBody).parameters?.outputDimensionality,
    batchSizes: (count: number) => Array.from({ length: count }, () => 1),
  },
} as const;

describe.each(BACKENDS)('embeddings, images and models through the official openai SDK on %s', (backend: BackendName) => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', { backend }, (sdk) => ({ harness, client } = sdk));

  it('decodes the SDK-default base64 answer to exactly the float32 values Gemini sent', async () => {
    const result = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'The food was delicious', dimensions: 8 });
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-embedding-001', EMBED[backend].method));
    expect(harness.upstreamCredential(harness.emulator.lastRequest()!)).toBe(harness.expectedCredential('k'));
    const expected = Array.from(new Float32Array(emulatedEmbedding('The food was delicious', 8)));
    expect(result.data[0]!.embedding).toEqual(expected);
    expect(result.model).toBe('gemini-embedding-001');
  });

  it('splits 250 inputs into upstream batches the backend takes and reassembles them in order', async () => {
    const inputs = Array.from({ length: 250 }, (_, index) => `sentence number ${index}`);
    const result = await client.embeddings.create({ model: 'gemini-embedding-001', input: inputs, dimensions: 4, encoding_format: 'float' });
    const batches = harness.emulator.requests.map(EMBED[backend].texts);
    expect(batches.map((batch) => batch.length)).toEqual(EMBED[backend].batchSizes(250));
    // Vertex gets 250 one-instance calls, four at a time, so their arrival order may differ; the answer's may not.
    expect(backend === 'vertex' ? batches.flat().sort() : batches.flat()).toEqual(backend === 'vertex' ? [...inputs].sort() : inputs);
    expect(result.data.map((item) => item.index)).toEqual(inputs.map((_, index) => index));
    result.data.forEach((item, index) => expect(item.embedding).toEqual(emulatedEmbedding(inputs[index]!, 4)));
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('serves the retired text-embedding-004 through its alias at 768 dimensions, reporting the requested name', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-004', input: 'hello' });
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-embedding-001', EMBED[backend].method));
    expect(EMBED[backend].dimensions(harness.emulator.lastRequest()!)).toBe(768);
    expect(result.data[0]!.embedding).toHaveLength(768);
    expect(result.model).toBe('text-embedding-004');
    expect(harness.logs.join('')).toContain('text-embedding-004 was retired');
  });

  it('refuses token-id input with a 400 and no upstream call', async () => {
    await expect(client.embeddings.create({ model: 'gemini-embedding-001', input: [[1, 2, 3]] })).rejects.toMatchObject({ status: 400, param: 'input[0]' });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('generates an image with a Gemini image model (generateContent) and with Imagen (:predict)', async () => {
    const gemini = await client.images.generate({ model: 'gemini-2.5-flash-image', prompt: 'A red square', response_format: 'b64_json' });
    expect(gemini.data![0]!.b64_json).toMatch(/^iVBOR/);
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-2.5-flash-image', 'generateContent'));
    const imagen = await client.images.generate({ model: 'imagen-4.0-generate-001', prompt: 'A red square', n: 2, response_format: 'b64_json' });
    expect(imagen.data).toHaveLength(2);
    const sent = harness.emulator.lastRequest()!;
    expect(sent.path).toBe(harness.modelPath('imagen-4.0-generate-001', 'predict'));
    expect(sent.body).toMatchObject({ instances: [{ prompt: 'A red square' }], parameters: { sampleCount: 2 } });
    expect(harness.upstreamCredential(sent)).toBe(harness.expectedCredential('k'));
  });

  it('lists Gemini model ids (all pages, without models/) plus the configured aliases, cached', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gemini-2.5-flash');
    expect(ids).toContain('text-embedding-004');
    expect(ids.every((id) => !id.startsWith('models/') && !id.startsWith('publishers/'))).toBe(true);
    expect(harness.emulator.requests[0]!.path).toMatch(backend === 'vertex' ? /^\/v1beta1\/publishers\/google\/models\?pageSize=1000$/ : /^\/v1beta\/models\?pageSize=1000$/);
    const upstreamCalls = harness.emulator.requests.length;
    expect(upstreamCalls).toBeGreaterThan(0);
    for await (const _model of client.models.list()) {
      // a second listing within the TTL
    }
    expect(harness.emulator.requests).toHaveLength(upstreamCalls);
  });

  it('retrieves one model, an alias, and answers 404 model_not_found for an unknown one', async () => {
    await expect(client.models.retrieve('gemini-2.5-flash')).resolves.toMatchObject({ id: 'gemini-2.5-flash', owned_by: 'google' });
    await expect(client.models.retrieve('text-embedding-004')).resolves.toMatchObject({ alias_for: 'gemini-embedding-001' });
    await expect(client.models.retrieve('gemini-0-nothing')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
