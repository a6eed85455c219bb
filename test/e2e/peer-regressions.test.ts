import OpenAI from 'openai';
import { useSdkHarness } from '../helpers/sdk-harness';
import type { SidecarHarness } from '../helpers/sidecar-harness';

/**
 * Regressions other OpenAI → Gemini translators shipped (see /work/shared/reference/peer-study.md), driven through
 * the official openai SDK against the in-process sidecar and the Gemini emulator. Each case names the peer report it
 * guards against; the unit-level cases live in test/unit/translate/chat-completions/peer-regressions-*.test.ts.
 */

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] } } },
];

const call = (name: string, args: Record<string, unknown>) => ({ functionCall: { name, args } });
const candidate = (parts: unknown[], extra: Record<string, unknown> = {}) => ({ content: { role: 'model', parts }, ...extra });

/** Every raw chunk of a streamed completion, as the SDK yields it. */
async function collect(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>): Promise<OpenAI.Chat.ChatCompletionChunk[]> {
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('peer regressions through the official openai SDK', () => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', {}, (sdk) => ({ harness, client } = sdk));

  // gcli2api PR #406 (https://github.com/su-kaka/gcli2api/pull/406), hermes-agent #101536
  // (https://github.com/NousResearch/hermes-agent/issues/101536), omnigent PR #28
  // (https://github.com/omnigent-ai/omnigent/pull/28): parallel calls streamed with one shared index were glued into
  // one call with arguments like `{"city":"A"}{"tz":"B"}`.
  it('assembles parallel streamed calls (two in one chunk, one in a later chunk) into separate calls', async () => {
    harness.emulator.enqueue({
      kind: 'sse',
      chunks: [
        { candidates: [candidate([call('get_weather', { city: 'London' }), call('get_time', { tz: 'UTC' })], { index: 0 })], responseId: 'r1' },
        { candidates: [candidate([call('get_weather', { city: 'Paris' })], { index: 0 })], responseId: 'r1' },
        { candidates: [candidate([{ text: '' }], { index: 0, finishReason: 'STOP' })], responseId: 'r1' },
      ],
    });
    const final = await client.chat.completions.stream({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'weather and time' }], tools }).finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!.map((entry) => {
      if (entry.type !== 'function') throw new Error('expected a function call');
      return { id: entry.id, name: entry.function.name, args: JSON.parse(entry.function.arguments) as unknown };
    });
    expect(calls.map(({ name, args }) => [name, args])).toEqual([
      ['get_weather', { city: 'London' }],
      ['get_time', { tz: 'UTC' }],
      ['get_weather', { city: 'Paris' }],
    ]);
    expect(new Set(calls.map(({ id }) => id)).size).toBe(3);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('streams the emulator\'s default parallel calls with indexes 0 and 1 and their own ids', async () => {
    const chunks = await collect(
      await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: '[parallel] Oslo' }], tools, stream: true }),
    );
    const deltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(deltas.map((delta) => delta.index)).toEqual([0, 1]);
    expect(new Set(deltas.map((delta) => delta.id)).size).toBe(2);
    for (const delta of deltas) expect(() => JSON.parse(delta.function!.arguments!) as unknown).not.toThrow();
  });

  // vellum-assistant PR #320 (https://github.com/vellum-ai/vellum-assistant/pull/320): generated ids restarted at
  // `call_0` every turn, so a later tool result was matched to an earlier call.
  it('gives tool calls different ids on two requests in a row, and distinct ids within one answer', async () => {
    const twoCalls = { candidates: [candidate([call('get_weather', { city: 'Rome' }), call('get_weather', { city: 'Rome' })], { finishReason: 'STOP' })] };
    harness.emulator.enqueue({ kind: 'json', body: twoCalls }, { kind: 'json', body: twoCalls });
    const ask = async () => {
      const completion = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Rome' }], tools });
      return completion.choices[0]!.message.tool_calls!.map((entry) => entry.id);
    };
    const first = await ask();
    const second = await ask();
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect(new Set([...first, ...second]).size).toBe(4);
  });

  // CLIProxyAPI #749 (https://github.com/router-for-me/CLIProxyAPI/issues/749) and #1292
  // (https://github.com/router-for-me/CLIProxyAPI/issues/1292): `content: ""` beside tool_calls became `{"text":""}`.
  it.each([
    { name: 'content ""', content: '' },
    { name: 'content null', content: null },
  ])('sends only functionCall parts for an assistant history message with $name and tool_calls', async ({ content }) => {
    const assistant: OpenAI.Chat.ChatCompletionAssistantMessageParam = {
      role: 'assistant',
      content,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
      ],
    };
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'Paris weather and time?' },
        assistant,
        { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_b', content: '10:00' },
      ],
      tools,
    });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const body = harness.emulator.lastRequest()!.body as { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> };
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [
        { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } },
        { functionCall: { id: 'call_b', name: 'get_time', args: { tz: 'CET' } } },
      ],
    });
    expect(body.contents.flatMap((turn) => turn.parts).filter((part) => 'text' in part && part.text === '')).toEqual([]);
  });

  // envoy ai-gateway PR #2399 (https://github.com/envoyproxy/ai-gateway/pull/2399), LiteLLM PR #23895
  // (https://github.com/BerriAI/litellm/pull/23895): the call and the STOP arrive in different chunks.
  it('ends a stream whose call came early and whose last chunk is STOP with empty text with finish_reason "tool_calls"', async () => {
    harness.emulator.enqueue({
      kind: 'sse',
      chunks: [
        { candidates: [candidate([{ ...call('get_weather', { city: 'Rome' }), thoughtSignature: 'c2ln' }])], responseId: 'r2' },
        { candidates: [candidate([{ text: '' }], { finishReason: 'STOP' })], responseId: 'r2' },
      ],
    });
    const chunks = await collect(await client.chat.completions.create({ model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'Rome' }], tools, stream: true }));
    const finishes = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason));
    expect(finishes.filter((reason) => reason !== null)).toEqual(['tool_calls']);
    expect(finishes.at(-1)).toBe('tool_calls');
  });

  // pydantic-ai PR #2631 (https://github.com/pydantic/pydantic-ai/pull/2631), envoy ai-gateway PR #2107
  // (https://github.com/envoyproxy/ai-gateway/pull/2107): a finish-only candidate lost its choice.
  it('keeps a content-less SAFETY candidate at index 1 as its own choice (unary and streaming)', async () => {
    const candidates = [candidate([{ text: 'Hello' }], { index: 0, finishReason: 'STOP' }), { finishReason: 'SAFETY', index: 1 }];
    harness.emulator.enqueue({ kind: 'json', body: { candidates } }, { kind: 'sse', chunks: [{ candidates }] });
    const request = { model: 'gemini-2.5-flash', messages: [{ role: 'user' as const, content: 'hi' }], n: 2 };

    const completion = await client.chat.completions.create(request);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'Hello', 'stop'],
      [1, null, 'content_filter'],
    ]);

    const chunks = await collect(await client.chat.completions.create({ ...request, stream: true }));
    const finishes = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.finish_reason !== null).map((choice) => [choice.index, choice.finish_reason]));
    expect(finishes).toEqual([
      [0, 'stop'],
      [1, 'content_filter'],
    ]);
  });

  // agno PR #6624 (https://github.com/agno-agi/agno/pull/6624), docker-agent PR #1855
  // (https://github.com/docker/docker-agent/pull/1855): cumulative per-chunk usage was summed.
  it('reports the last cumulative usageMetadata in the usage chunk', async () => {
    const text = (value: string, extra: Record<string, unknown> = {}) => candidate([{ text: value }], { index: 0, ...extra });
    harness.emulator.enqueue({
      kind: 'sse',
      chunks: [
        { candidates: [text('One')], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 1, totalTokenCount: 10 } },
        { candidates: [text(' two')], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2, totalTokenCount: 11 } },
        { candidates: [text(' three', { finishReason: 'STOP' })], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3, thoughtsTokenCount: 20, totalTokenCount: 32 } },
      ],
    });
    const chunks = await collect(
      await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true } }),
    );
    const usages = chunks.map((chunk) => chunk.usage).filter((usage) => usage != null);
    expect(usages).toEqual([
      { prompt_tokens: 9, completion_tokens: 23, total_tokens: 32, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 20 } },
    ]);
  });

  // opencode #12295 (https://github.com/anomalyco/opencode/issues/12295): "If a schema node has Schema.ref set, then
  // only description and default can be set alongside it"; LiteLLM PR #40415
  // (https://github.com/BerriAI/litellm/pull/40415): Gemini ignores `const` in response schemas.
  it('sends tools and response_format as JSON Schema without $ref siblings, with const as a one-value enum', async () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { kind: { type: 'string', const: 'trip' }, home: { $ref: '#/$defs/Place', title: 'Home', description: 'Where you live' } },
      required: ['kind', 'home'],
      additionalProperties: false,
      $defs: { Place: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
    };
    const expected = {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['trip'] }, home: { $ref: '#/$defs/Place', description: 'Where you live' } },
      required: ['kind', 'home'],
      additionalProperties: false,
      $defs: schema.$defs,
    };
    await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'plan a trip' }],
      tools: [{ type: 'function', function: { name: 'plan', parameters: schema } }],
    });
    const toolBody = harness.emulator.lastRequest()!.body as { tools: Array<{ functionDeclarations: Array<{ parametersJsonSchema: unknown }> }> };
    expect(toolBody.tools[0]!.functionDeclarations[0]!.parametersJsonSchema).toEqual(expected);

    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'plan a trip' }],
      response_format: { type: 'json_schema', json_schema: { name: 'trip', schema, strict: true } },
    });
    const formatBody = harness.emulator.lastRequest()!.body as { generationConfig: Record<string, unknown> };
    expect(formatBody.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: expected });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toMatchObject({ kind: 'trip', home: { city: expect.any(String) } });
  });

  // OpenAI's schema has a token list for logprobs.refusal; a null there fails clients that decode a non-nullable list
  // (same class as openai-agents-python #1616, https://github.com/openai/openai-agents-python/issues/1616).
  it('returns logprobs.refusal as [] in a completion and in every streamed delta that has logprobs', async () => {
    const request = { model: 'gemini-2.5-flash', messages: [{ role: 'user' as const, content: 'say something' }], logprobs: true, top_logprobs: 2 };
    const completion = await client.chat.completions.create(request);
    expect(completion.choices[0]!.logprobs!.content!.length).toBeGreaterThan(0);
    expect(completion.choices[0]!.logprobs!.refusal).toEqual([]);
    expect(harness.emulator.lastRequest()!.body).toMatchObject({ generationConfig: { responseLogprobs: true, logprobs: 2 } });

    const chunks = await collect(await client.chat.completions.create({ ...request, stream: true }));
    const withLogprobs = chunks.flatMap((chunk) => chunk.choices).filter((choice) => choice.logprobs != null);
    expect(withLogprobs.length).toBeGreaterThan(0);
    for (const choice of withLogprobs) expect(choice.logprobs!.refusal).toEqual([]);
  });
});
