import OpenAI from 'openai';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';

interface GeminiBody {
  generationConfig?: Record<string, unknown> & { thinkingConfig?: Record<string, unknown>; candidateCount?: number };
}

function bodies(sdk: SdkHarness): GeminiBody[] {
  return sdk.harness.emulator.requests.filter((request) => request.method === 'POST').map((request) => request.body as GeminiBody);
}

describe('model capabilities through the official openai SDK', () => {
  let sdk: SdkHarness;

  beforeAll(async () => {
    sdk = await startSdkHarness('/v1', 'caps-key');
  });
  afterAll(() => sdk.close());
  beforeEach(() => sdk.harness.emulator.reset());

  it.each(['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const)(
    'reasoning_effort %s on gemini-4-argon reaches Gemini as a level it accepts (low / medium / high, never a budget)',
    async (effort) => {
      const completion = await sdk.client.chat.completions.create({ model: 'gemini-4-argon', reasoning_effort: effort, messages: [{ role: 'user', content: 'think' }] });

      expect(completion.choices[0]?.message.content).toBe('Echo: think');
      const thinking = bodies(sdk)[0]?.generationConfig?.thinkingConfig;
      expect(['LOW', 'MEDIUM', 'HIGH']).toContain(thinking?.thinkingLevel);
      expect(thinking).not.toHaveProperty('thinkingBudget');
    },
  );

  it('reasoning_effort minimal on gemini-3.8-flash is sent as LOW, which the model accepts', async () => {
    await sdk.client.chat.completions.create({ model: 'gemini-3.8-flash', reasoning_effort: 'minimal', messages: [{ role: 'user', content: 'x' }] });

    expect(bodies(sdk)[0]?.generationConfig?.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
  });

  it('drops temperature, top_p and penalties a model ignores or refuses, and says so in x-sidecar-ignored-params', async () => {
    const { data, response } = await sdk.client.chat.completions
      .create({ model: 'gemini-3.8-flash', temperature: 0.2, top_p: 0.5, presence_penalty: 0.1, frequency_penalty: 0.3, messages: [{ role: 'user', content: 'x' }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe('Echo: x');
    expect(bodies(sdk)[0]?.generationConfig ?? {}).not.toHaveProperty('temperature');
    expect(bodies(sdk)[0]?.generationConfig ?? {}).not.toHaveProperty('presencePenalty');
    expect(response.headers.get('x-sidecar-ignored-params')?.split(', ').sort()).toEqual(['frequency_penalty', 'presence_penalty', 'temperature', 'top_p']);
  });

  it('keeps temperature for a model that honours it', async () => {
    await sdk.client.chat.completions.create({ model: 'gemini-2.5-flash', temperature: 0.2, messages: [{ role: 'user', content: 'x' }] });

    expect(bodies(sdk)[0]?.generationConfig).toMatchObject({ temperature: 0.2 });
  });

  it('n: 3 on Gemini 3 (no candidateCount) makes 3 parallel calls: choices in order, usage summed', async () => {
    const single = await sdk.client.chat.completions.create({ model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'three please' }] });
    sdk.harness.emulator.reset();
    const completion = await sdk.client.chat.completions.create({ model: 'gemini-3-flash-preview', n: 3, messages: [{ role: 'user', content: 'three please' }] });

    expect(bodies(sdk)).toHaveLength(3);
    for (const body of bodies(sdk)) expect(body.generationConfig ?? {}).not.toHaveProperty('candidateCount');
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'Echo: three please', 'stop'],
      [1, 'Echo: three please', 'stop'],
      [2, 'Echo: three please', 'stop'],
    ]);
    expect(completion.usage?.prompt_tokens).toBe(3 * single.usage!.prompt_tokens);
    expect(completion.usage?.completion_tokens).toBe(3 * single.usage!.completion_tokens);
  });

  it('n: 2 streamed on Gemini 3 merges the two streams by index, ends each choice and sums usage once', async () => {
    const stream = await sdk.client.chat.completions.create({
      model: 'gemini-3-flash-preview',
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count to three please' }],
    });
    const texts = ['', ''];
    const finishes: Array<[number, string]> = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.delta.content ?? '';
        if (choice.finish_reason) finishes.push([choice.index, choice.finish_reason]);
      }
      if (chunk.usage) usage = chunk.usage;
    }

    expect(bodies(sdk)).toHaveLength(2);
    expect(texts).toEqual(['Echo: count to three please', 'Echo: count to three please']);
    expect(finishes.sort()).toEqual([
      [0, 'stop'],
      [1, 'stop'],
    ]);
    expect(usage?.prompt_tokens).toBe(2 * Math.ceil('count to three please'.length / 4));
  });

  it('n: 2 on Gemini 2.5 still uses candidateCount (one call)', async () => {
    const completion = await sdk.client.chat.completions.create({ model: 'gemini-2.5-flash', n: 2, messages: [{ role: 'user', content: 'x' }] });

    expect(bodies(sdk)).toHaveLength(1);
    expect(bodies(sdk)[0]?.generationConfig?.candidateCount).toBe(2);
    expect(completion.choices).toHaveLength(2);
  });

  it('one failing call of a fan-out fails the request with that error and cancels the rest', async () => {
    sdk.harness.emulator.enqueue({ kind: 'json', body: { candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP' }] }, delayMs: 200 }, {
      kind: 'json',
      status: 429,
      body: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } },
    });

    const failure = await sdk.client.chat.completions.create({ model: 'gemini-3-flash-preview', n: 2, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('n > 1 with fan-out switched off', () => {
  let sdk: SdkHarness;

  beforeAll(async () => {
    sdk = await startSdkHarness('/v1', 'caps-key', { models: { fanOutCandidates: false } });
  });
  afterAll(() => sdk.close());

  it('answers 400 naming n, without calling Gemini', async () => {
    const failure = await sdk.client.chat.completions.create({ model: 'gemini-3-flash-preview', n: 2, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param: 'n', code: 'unsupported_parameter', type: 'invalid_request_error' });
    expect(sdk.harness.emulator.requests).toHaveLength(0);
  });
});
