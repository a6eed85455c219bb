import OpenAI from 'openai';
import { FILL_IN_THE_MIDDLE_INSTRUCTION } from '@sidecar/translate/completions/openai-completions-to-chat';
import { useSdkHarness } from '../helpers/sdk-harness';
import { BACKENDS, type BackendName, type SidecarHarness } from '../helpers/sidecar-harness';

interface GeminiBody {
  contents: Array<{ role: string; parts: Array<{ text?: string }> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  generationConfig?: Record<string, unknown>;
}

describe.each(BACKENDS)('POST /v1/completions through the official openai SDK on %s', (backend: BackendName) => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', { backend }, (sdk) => ({ harness, client } = sdk));

  const bodies = (): GeminiBody[] => harness.emulator.requests.map((request) => request.body as GeminiBody);

  it('unary: the prompt as one user turn, max_tokens 16 by default, the least thinking, a text_completion back', async () => {
    const result = await client.completions.create({ model: 'gemini-2.5-flash', prompt: 'Once upon a time', stop: ['\n\n'], temperature: 0 });
    expect(harness.emulator.lastRequest()!.path).toBe(harness.modelPath('gemini-2.5-flash', 'generateContent'));
    expect(harness.upstreamCredential(harness.emulator.lastRequest()!)).toBe(harness.expectedCredential('k'));
    const [body] = bodies();
    expect(body!.contents).toEqual([{ role: 'user', parts: [{ text: 'Once upon a time' }] }]);
    expect(body!.generationConfig).toMatchObject({ maxOutputTokens: 16, stopSequences: ['\n\n'], temperature: 0, thinkingConfig: { thinkingBudget: 0 } });
    expect(result).toMatchObject({ object: 'text_completion', model: 'gemini-2.5-flash' });
    expect(result.id).toMatch(/^cmpl-/);
    expect(result.choices).toEqual([{ text: 'Echo: Once upon a time', index: 0, logprobs: null, finish_reason: 'stop' }]);
    expect(result.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(result.usage!.total_tokens).toBe(result.usage!.prompt_tokens + result.usage!.completion_tokens);
  });

  it('several prompts are independent calls; choices are ordered prompt × n + j and usage is summed', async () => {
    const result = await client.completions.create({ model: 'gemini-2.5-flash', prompt: ['first', 'second'], n: 2, max_tokens: 50 });
    const prompts = bodies().map((body) => body.contents.map((content) => content.parts[0]!.text));
    expect(prompts.sort()).toEqual([['first'], ['second']]);
    for (const body of bodies()) expect(body.generationConfig).toMatchObject({ candidateCount: 2, maxOutputTokens: 50 });
    expect(result.choices.map((choice) => [choice.index, choice.text])).toEqual([
      [0, 'Echo: first'],
      [1, 'Echo: first (candidate 1)'],
      [2, 'Echo: second'],
      [3, 'Echo: second (candidate 1)'],
    ]);
    // The emulator bills one prompt token per 4 characters, per call.
    expect(result.usage!.prompt_tokens).toBe(Math.ceil('first'.length / 4) + Math.ceil('second'.length / 4));
  });

  it('n on Gemini 3 (no candidateCount) fans out into parallel calls', async () => {
    const result = await client.completions.create({ model: 'gemini-3-flash-preview', prompt: 'fan', n: 3 });
    expect(harness.emulator.requests).toHaveLength(3);
    for (const body of bodies()) expect(body.generationConfig?.candidateCount).toBeUndefined();
    expect(result.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
  });

  it('echo prepends the prompt; logprobs:k asks Gemini for k alternatives and answers in the legacy arrays', async () => {
    const echoed = await client.completions.create({ model: 'gemini-2.5-flash', prompt: 'Say hi', echo: true });
    expect(echoed.choices[0]!.text).toBe('Say hiEcho: Say hi');

    const scored = await client.completions.create({ model: 'gemini-2.5-flash', prompt: 'two words', logprobs: 2 });
    expect(bodies().at(-1)!.generationConfig).toMatchObject({ responseLogprobs: true, logprobs: 2 });
    const logprobs = scored.choices[0]!.logprobs!;
    expect(logprobs.tokens!.join('')).toBe(scored.choices[0]!.text);
    expect(logprobs.token_logprobs).toHaveLength(logprobs.tokens!.length);
    expect(logprobs.text_offset![0]).toBe(0);
    logprobs.tokens!.forEach((token, position) => {
      if (position > 0) expect(logprobs.text_offset![position]).toBe(logprobs.text_offset![position - 1]! + logprobs.tokens![position - 1]!.length);
      expect(Object.keys(logprobs.top_logprobs![position]!)).toContain(token);
    });
  });

  it('suffix becomes a fill-in-the-middle instruction with the prefix and suffix in one turn', async () => {
    await client.completions.create({ model: 'gemini-2.5-flash', prompt: 'def add(a, b):\n    ', suffix: '\n\nprint(add(1, 2))' });
    const [body] = bodies();
    expect(body!.systemInstruction).toEqual({ parts: [{ text: FILL_IN_THE_MIDDLE_INSTRUCTION }] });
    expect(body!.contents[0]!.parts[0]!.text).toBe('<prefix>def add(a, b):\n    </prefix><suffix>\n\nprint(add(1, 2))</suffix>');
  });

  it('streams text_completion chunks with text deltas, a finish_reason, a usage chunk and [DONE]', async () => {
    const stream = await client.completions.create({
      model: 'gemini-2.5-flash',
      prompt: 'stream these few words please',
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(harness.emulator.lastRequest()!.path).toBe(`${harness.modelPath('gemini-2.5-flash', 'streamGenerateContent')}?alt=sse`);
    const content = chunks.filter((chunk) => chunk.choices.length > 0);
    expect(content.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.object).toBe('text_completion');
    expect(content.map((chunk) => chunk.choices[0]!.text).join('')).toBe('Echo: stream these few words please');
    expect(content.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(content.slice(0, -1).every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('streams two prompts with echo: each choice gets its prompt once, indexes by prompt', async () => {
    const stream = await client.completions.create({ model: 'gemini-2.5-flash', prompt: ['alpha', 'beta'], echo: true, stream: true });
    const texts = new Map<number, string>();
    for await (const chunk of stream) for (const choice of chunk.choices) texts.set(choice.index, (texts.get(choice.index) ?? '') + choice.text);
    expect(Object.fromEntries(texts)).toEqual({ 0: 'alphaEcho: alpha', 1: 'betaEcho: beta' });
  });

  it.each([
    [{ prompt: [1, 2, 3] }, 'prompt'],
    [{ prompt: [[1, 2]] }, 'prompt'],
    [{ prompt: [] }, 'prompt'],
    [{ prompt: 'x', best_of: 3 }, 'best_of'],
    [{ prompt: 'x', echo: true, logprobs: 1 }, 'echo'],
    [{ prompt: 'x', logprobs: 6 }, 'logprobs'],
    [{ prompt: 'x', stop: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'stop'],
    [{}, 'prompt'],
  ])('refuses %j with a 400 naming %s and no upstream call', async (fields, param) => {
    const error = (await client.completions.create({ model: 'gemini-2.5-flash', ...fields } as never).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe(param);
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('is served under /v1beta/openai/ too', async () => {
    const beta = new OpenAI({ apiKey: 'k', baseURL: client.baseURL.replace(/\/v1$/, '/v1beta/openai'), maxRetries: 0 });
    const result = await beta.completions.create({ model: 'gemini-2.5-flash', prompt: 'beta path' });
    expect(result.choices[0]!.text).toBe('Echo: beta path');
  });
});
