import OpenAI from 'openai';
import { emulatedEmbedding } from '../emulator/default-embeddings';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import type { SidecarHarness } from '../helpers/sidecar-harness';

interface BatchBody {
  requests: Array<{ model: string; content: { parts: Array<{ text: string }> }; outputDimensionality?: number }>;
}

describe('embeddings and models through the official openai SDK', () => {
  let sdk: SdkHarness;
  let harness: SidecarHarness;
  let client: OpenAI;

  beforeAll(async () => {
    sdk = await startSdkHarness('/v1', 'k');
    ({ harness, client } = sdk);
  });
  afterAll(() => sdk.close());
  beforeEach(() => harness.emulator.reset());

  it('decodes the SDK-default base64 answer to exactly the float32 values Gemini sent', async () => {
    const result = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'The food was delicious', dimensions: 8 });
    expect(harness.emulator.lastRequest()!.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(harness.emulator.lastRequest()!.headers['x-goog-api-key']).toBe('k');
    const expected = Array.from(new Float32Array(emulatedEmbedding('The food was delicious', 8)));
    expect(result.data[0]!.embedding).toEqual(expected);
    expect(result.model).toBe('gemini-embedding-001');
  });

  it('splits 250 inputs into three upstream batches and reassembles them in order', async () => {
    const inputs = Array.from({ length: 250 }, (_, index) => `sentence number ${index}`);
    const result = await client.embeddings.create({ model: 'gemini-embedding-001', input: inputs, dimensions: 4, encoding_format: 'float' });
    const batches = harness.emulator.requests.map((request) => (request.body as BatchBody).requests);
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map((entry) => entry.content.parts[0]!.text)).toEqual(inputs);
    expect(result.data.map((item) => item.index)).toEqual(inputs.map((_, index) => index));
    result.data.forEach((item, index) => expect(item.embedding).toEqual(emulatedEmbedding(inputs[index]!, 4)));
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('serves the retired text-embedding-004 through its alias at 768 dimensions, reporting the requested name', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-004', input: 'hello' });
    const sent = (harness.emulator.lastRequest()!.body as BatchBody).requests[0]!;
    expect(harness.emulator.lastRequest()!.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.outputDimensionality).toBe(768);
    expect(result.data[0]!.embedding).toHaveLength(768);
    expect(result.model).toBe('text-embedding-004');
    expect(harness.logs.join('')).toContain('text-embedding-004 was retired');
  });

  it('refuses token-id input with a 400 and no upstream call', async () => {
    await expect(client.embeddings.create({ model: 'gemini-embedding-001', input: [[1, 2, 3]] })).rejects.toMatchObject({ status: 400, param: 'input[0]' });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('lists Gemini model ids (all pages, without models/) plus the configured aliases, cached', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gemini-2.5-flash');
    expect(ids).toContain('text-embedding-004');
    expect(ids.every((id) => !id.startsWith('models/'))).toBe(true);
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
