import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import { BACKENDS, type BackendName } from '../helpers/sidecar-harness';

interface GeminiBody {
  contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<Record<string, unknown>>;
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
  generationConfig?: Record<string, unknown> & { thinkingConfig?: Record<string, unknown> };
}

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe.each(BACKENDS)('the Responses API through the official openai Node SDK on %s', (backend: BackendName) => {
  let sdk: SdkHarness;
  let client: OpenAI;
  const lastGemini = (): GeminiBody => sdk.harness.emulator.lastRequest()!.body as GeminiBody;
  // Vertex refuses call ids ('Unknown name "id"'), so its adapter drops them.
  const callId = (id: string): { id?: string } => (backend === 'vertex' ? {} : { id });

  beforeAll(async () => {
    sdk = await startSdkHarness('/v1', 'responses-key', { backend });
    client = sdk.client;
  });
  afterAll(() => sdk.close());
  beforeEach(() => sdk.harness.emulator.reset());

  it('responses.create: instructions become systemInstruction, the answer is one message with output_text', async () => {
    const response = await client.responses.create({ model: 'gemini-2.5-flash', instructions: 'Be brief.', input: 'Hello there' });

    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'gemini-2.5-flash', instructions: 'Be brief.', store: false, error: null });
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response.output_text).toBe('Echo: Hello there');
    expect(response.output).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Echo: Hello there', annotations: [], logprobs: [] }] },
    ]);
    expect(response.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), output_tokens_details: { reasoning_tokens: 0 } });
    expect(lastGemini().systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(lastGemini().contents).toEqual([{ role: 'user', parts: [{ text: 'Hello there' }] }]);
    const sent = sdk.harness.emulator.lastRequest()!;
    expect(sent.path).toBe(sdk.harness.modelPath('gemini-2.5-flash', 'generateContent'));
    expect(sdk.harness.upstreamCredential(sent)).toBe(sdk.harness.expectedCredential('responses-key'));
  });

  it('responses.stream: the typed event sequence, deltas that add up, one response.completed with the full output', async () => {
    const stream = client.responses.stream({ model: 'gemini-2.5-flash', input: 'Tell me a short story' });
    const types: string[] = [];
    const sequence: number[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();

    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.filter((type) => type === 'response.completed')).toHaveLength(1);
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toEqual(expect.arrayContaining(['response.output_item.added', 'response.content_part.added', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done']));
    expect(sequence).toEqual(sequence.map((_, index) => index));
    expect(text).toBe('Echo: Tell me a short story');
    expect(final.output_text).toBe(text);
    expect(sdk.harness.emulator.lastRequest()!.path).toBe(`${sdk.harness.modelPath('gemini-2.5-flash', 'streamGenerateContent')}?alt=sse`);
  });

  it('a function tool on Gemini 3, two turns replayed with store: false: the call, then its signature back on the same part', async () => {
    const first = await client.responses.create({ model: 'gemini-3-flash-preview', input: 'Weather in Paris?', tools: [weatherTool], store: false });
    const call = first.output.find((item) => item.type === 'function_call');
    const carrier = first.output.find((item) => item.type === 'reasoning');

    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: JSON.stringify({ city: 'Weather in Paris?' }) });
    expect(carrier).toMatchObject({ type: 'reasoning', summary: [], encrypted_content: expect.stringMatching(/^gemini-thought-signatures\.v1:/) });
    expect(lastGemini().tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: weatherTool.parameters }] }]);
    const issued = sdk.harness.emulator.thoughtSignatures.issued;

    const second = await client.responses.create({
      model: 'gemini-3-flash-preview',
      tools: [weatherTool],
      store: false,
      input: [{ role: 'user', content: 'Weather in Paris?' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: (call as { call_id: string }).call_id, output: '{"temp":21}' }],
    });

    expect(second.output_text).toBe('Result: {"temp":21}');
    const contents = lastGemini().contents;
    expect(contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
    expect(contents[1]!.parts).toEqual([{ functionCall: { name: 'get_weather', args: { city: 'Weather in Paris?' }, ...callId((call as { call_id: string }).call_id) }, thoughtSignature: issued[0] }]);
    expect(contents[2]!.parts[0]).toMatchObject({ functionResponse: { name: 'get_weather', response: { temp: 21 } } });
  });

  it('responses.stream with parallel calls on Gemini 3, its finalResponse output replayed as is: one model turn, the first call signed', async () => {
    const timeTool = { ...weatherTool, name: 'get_time' };
    const params = { model: 'gemini-3-flash-preview', tools: [weatherTool, timeTool], reasoning: { summary: 'auto' as const }, store: false };
    const stream = client.responses.stream({ ...params, input: 'Paris [parallel]' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const first = await stream.finalResponse();
    const calls = first.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
    const [signature] = sdk.harness.emulator.thoughtSignatures.issued;

    expect(first.output.map((item) => item.type)).toEqual(['reasoning', 'function_call', 'function_call', 'reasoning']);
    expect(types.filter((type) => type === 'response.output_item.done')).toHaveLength(4);
    expect(types.at(-1)).toBe('response.completed');
    // The helper adds parsed_arguments to each call; the replay carries it back, and the sidecar takes it.
    expect(calls[0]).toHaveProperty('parsed_arguments');
    const outputs = calls.map((call, index) => ({ type: 'function_call_output' as const, call_id: call.call_id, output: `{"n":${index}}` }));
    const second = await client.responses.create({ ...params, input: [{ role: 'user', content: 'Paris [parallel]' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), ...outputs] });

    expect(second.output_text).toBe('Result: {"n":0}; {"n":1}');
    expect(lastGemini().contents).toEqual([
      { role: 'user', parts: [{ text: 'Paris [parallel]' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris [parallel]' }, ...callId(calls[0]!.call_id) }, thoughtSignature: signature },
          { functionCall: { name: 'get_time', args: { city: 'Paris [parallel]' }, ...callId(calls[1]!.call_id) } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', ...callId(calls[0]!.call_id), response: { n: 0 } } },
          { functionResponse: { name: 'get_time', ...callId(calls[1]!.call_id), response: { n: 1 } } },
        ],
      },
    ]);
  });

  it('responses.parse with zodTextFormat: JSON Schema to Gemini, the parsed object back', async () => {
    const City = z.object({ name: z.string(), population: z.number().int() });
    const response = await client.responses.parse({ model: 'gemini-2.5-flash', input: 'A big city', text: { format: zodTextFormat(City, 'city') } });

    expect(response.output_parsed).toEqual({ name: 'A big city', population: 42 });
    expect(lastGemini().generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object', required: ['name', 'population'] } });
  });

  it('reasoning.effort and summary: a thinking level plus includeThoughts; the summary comes back as a reasoning item first', async () => {
    const response = await client.responses.create({ model: 'gemini-3-flash-preview', input: 'Why is the sky blue?', reasoning: { effort: 'low', summary: 'auto' } });

    expect(lastGemini().generationConfig?.thinkingConfig).toEqual({ thinkingLevel: 'LOW', includeThoughts: true });
    expect(response.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking about it' }] });
    expect(response.output[1]).toMatchObject({ type: 'message' });
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(response.reasoning).toEqual({ effort: 'low', summary: 'auto' });
  });

  it('max_output_tokens reached → status incomplete with reason max_output_tokens', async () => {
    const response = await client.responses.create({ model: 'gemini-2.5-flash', input: 'go on [max]', max_output_tokens: 16 });

    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(lastGemini().generationConfig).toMatchObject({ maxOutputTokens: 16 });
  });

  it('web_search → Google Search grounding, citations as url_citation annotations', async () => {
    const response = await client.responses.create({ model: 'gemini-2.5-flash', input: 'news today', tools: [{ type: 'web_search' }] });
    const message = response.output.find((item) => item.type === 'message') as OpenAI.Responses.ResponseOutputMessage;

    expect(lastGemini().tools).toEqual([{ googleSearch: {} }]);
    const text = (message.content[0] as OpenAI.Responses.ResponseOutputText).text;
    for (const annotation of (message.content[0] as OpenAI.Responses.ResponseOutputText).annotations) {
      expect(annotation).toMatchObject({ type: 'url_citation', url: expect.stringMatching(/^https?:/) });
      const citation = annotation as { start_index: number; end_index: number };
      expect(citation.end_index).toBeLessThanOrEqual(text.length);
    }
  });

  it('inputTokens.count → Gemini countTokens over the whole request', async () => {
    const count = await client.responses.inputTokens.count({ model: 'gemini-2.5-flash', instructions: 'Be brief.', input: 'Count these words please' });

    expect(count).toMatchObject({ object: 'response.input_tokens', input_tokens: Math.ceil('Be brief.Count these words please'.length / 4) });
    expect(sdk.harness.emulator.lastRequest()!.path).toBe(sdk.harness.modelPath('gemini-2.5-flash', 'countTokens'));
    // Vertex's CountTokensRequest carries the request's fields at the top level, without the model.
    const systemInstruction = { parts: [{ text: 'Be brief.' }] };
    expect(sdk.harness.emulator.lastRequest()!.body).toMatchObject(
      backend === 'vertex' ? { systemInstruction } : { generateContentRequest: { model: 'models/gemini-2.5-flash', systemInstruction } },
    );
  });

  it.each([
    [true, false, 'not-configured'],
    [true, true, 'not-configured'],
    [undefined, false, 'not-configured'],
    [false, false, null],
  ])('without a store, store: %s (stream: %s) answers store: false with x-sidecar-response-store %s', async (store, stream, header) => {
    const params = { model: 'gemini-2.5-flash', input: 'Hello there', ...(store === undefined ? {} : { store }) };
    let final: OpenAI.Responses.Response | undefined;
    let headers: Headers;
    if (stream) {
      const { data, response } = await client.responses.create({ ...params, stream: true }).withResponse();
      for await (const event of data) if (event.type === 'response.completed') final = event.response;
      headers = response.headers;
    } else {
      const { data, response } = await client.responses.create(params).withResponse();
      final = data;
      headers = response.headers;
    }

    expect(final).toHaveProperty('store', false);
    expect(headers.get('x-sidecar-response-store')).toBe(header);
  });

  it.each([
    [{ background: true }, 'background'],
    [{ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type'],
    [{ previous_response_id: 'resp_abc' }, 'previous_response_id'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
  ])('refuses %j with 400 naming %s, without calling Gemini', async (extra, param) => {
    const failure = await client.responses.create({ model: 'gemini-2.5-flash', input: 'hi', ...(extra as object) } as OpenAI.Responses.ResponseCreateParamsNonStreaming).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param, type: 'invalid_request_error' });
    expect(sdk.harness.emulator.requests).toHaveLength(0);
  });

  it('a Gemini failure mid-stream ends in error + response.failed, never response.completed', async () => {
    sdk.harness.emulator.enqueue({ kind: 'sse', chunks: [{ candidates: [{ content: { parts: [{ text: 'Hel' }], role: 'model' }, index: 0 }] }], cutAfter: 1 });
    const stream = await client.responses.create({ model: 'gemini-2.5-flash', input: 'x', stream: true });
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(types).not.toContain('response.completed');
    expect(types).toContain('response.output_text.delta');
  });
});
