import OpenAI from 'openai';
import { loadRecordedChunks } from '../helpers/recorded-fixtures';
import { useSdkHarness } from '../helpers/sdk-harness';
import { BACKENDS, type BackendName, type SidecarHarness } from '../helpers/sidecar-harness';

describe.each(BACKENDS)('the official openai SDK against the sidecar on %s', (backend: BackendName) => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1beta/openai', 'sdk-key', { backend }, (sdk) => ({ harness, client } = sdk));

  it('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: '你是一个助手' },
        { role: 'user', content: '你好' },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe('Echo: 你好');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
    const sent = harness.emulator.lastRequest()!;
    expect(sent.path).toBe(harness.modelPath('gemini-2.5-flash', 'generateContent'));
    expect(harness.upstreamCredential(sent)).toBe(harness.expectedCredential('sdk-key'));
    expect(harness.upstreamCredential(sent)).toBeDefined();
    // gen_ai.provider.name (semconv): gcp.gemini for the Developer API, gcp.vertex_ai for Vertex.
    const provider = backend === 'vertex' ? 'gcp.vertex_ai' : 'gcp.gemini';
    expect(await harness.metrics.registry.metrics()).toMatch(new RegExp(`gen_ai_client_operation_duration_seconds_count\\{[^}]*gen_ai_provider_name="${provider}"`));
  });

  it('streams a chat completion with usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini-3-flash-preview',
      messages: [{ role: 'user', content: 'count to three please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: Array<string | null> = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        finishReasons.push(choice.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: count to three please');
    expect(finishReasons.filter((reason) => reason !== null)).toEqual(['stop']);
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(harness.emulator.lastRequest()!.path).toBe(`${harness.modelPath('gemini-3-flash-preview', 'streamGenerateContent')}?alt=sse`);
  });

  it('assembles a stream with the SDK helper', async () => {
    harness.emulator.enqueue({ kind: 'sse', chunks: loadRecordedChunks('vercel-ai/google-text.chunks.txt') });
    const runner = client.chat.completions.stream({ model: 'gemini-3-pro-preview', messages: [{ role: 'user', content: 'r in strawberry?' }] });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.content).toContain('strawberry');
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('raises the SDK error class matching the status', async () => {
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    harness.emulator.enqueue({ kind: 'json', status: 429, body: { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } } });
    await expect(client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
  });

  it('raises an APIError when the stream fails midway instead of ending quietly', async () => {
    const [first] = loadRecordedChunks('vercel-ai/google-text.chunks.txt');
    harness.emulator.enqueue({ kind: 'sse', chunks: [first, { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }] });
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true });
    const consume = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/overloaded/);
  });
});
