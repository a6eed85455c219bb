import { geminiGenerateContentResponseSchema, type GeminiGenerateContentResponse } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { geminiResponseToOpenAI } from '@sidecar/translate/chat-completions/gemini-response-to-openai';
import { GeminiStreamTranslator } from '@sidecar/translate/chat-completions/gemini-stream-translator';
import type { OpenAIChatCompletionChunk, ResponseContext } from '@sidecar/translate/chat-completions/openai-chat-response';
import { geminiUsageToOpenAI } from '@sidecar/translate/chat-completions/usage';

/**
 * Regressions other OpenAI → Gemini translators shipped (see /work/shared/reference/peer-study.md), one case per bug,
 * each named after the peer report it guards against. Response direction: Gemini answers in, OpenAI objects out.
 */

const context: ResponseContext = { model: 'gemini-2.5-flash', created: 1_700_000_000, fallbackId: 'chatcmpl-0123456789abcdef0123456789abcdef' };
const parse = (value: unknown): GeminiGenerateContentResponse => geminiGenerateContentResponseSchema.parse(value);

function stream(rawChunks: unknown[], includeUsage = false, streamContext = context) {
  const translator = new GeminiStreamTranslator(streamContext, includeUsage);
  const chunks = rawChunks.flatMap((raw) => translator.push(parse(raw)));
  const finish = translator.finish();
  return { chunks: [...chunks, ...finish.chunks], complete: finish.complete };
}

interface AssembledCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Rebuilds tool calls from deltas the way OpenAI clients do (openai-node's ChatCompletionStream, LangChain, the
 * Python SDK's stream helpers): one slot per (choice index, tool_calls[].index); `arguments` fragments are appended.
 * Two calls that share an index are glued into one slot with invalid JSON, which is the bug the peers shipped.
 */
function assembleToolCalls(chunks: OpenAIChatCompletionChunk[]): Map<number, AssembledCall[]> {
  const byChoice = new Map<number, AssembledCall[]>();
  for (const choice of chunks.flatMap((chunk) => chunk.choices)) {
    for (const delta of choice.delta.tool_calls ?? []) {
      const calls = byChoice.get(choice.index) ?? [];
      byChoice.set(choice.index, calls);
      const slot = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      if (delta.id) slot.id = delta.id;
      if (delta.function.name) slot.name = delta.function.name;
      slot.arguments += delta.function.arguments;
    }
  }
  return byChoice;
}

const call = (name: string, args: Record<string, unknown>, id?: string) => ({ functionCall: { ...(id ? { id } : {}), name, args } });
const candidate = (parts: unknown[], extra: Record<string, unknown> = {}) => ({ content: { role: 'model', parts }, ...extra });
const finishReasons = (chunks: OpenAIChatCompletionChunk[]) =>
  chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.finish_reason !== null).map((choice) => [choice.index, choice.finish_reason]));

describe('streamed parallel function calls get one index each and are never glued together', () => {
  // gcli2api PR #406 (https://github.com/su-kaka/gcli2api/pull/406): the index came from the part's position in its
  // chunk, so parallel calls (one per chunk) were all index 0 and clients merged them into `{"city":"A"}{"city":"B"}`.
  // hermes-agent #101536 (https://github.com/NousResearch/hermes-agent/issues/101536): slots keyed by name merged two
  // calls to the same tool. omnigent PR #28 (https://github.com/omnigent-ai/omnigent/pull/28): hard-coded index 0
  // collapsed two calls sent in one chunk.
  const cases = [
    {
      name: 'two calls in one chunk (omnigent PR #28)',
      geminiChunks: [{ candidates: [candidate([call('get_weather', { city: 'London' }), call('get_time', { tz: 'UTC' })], { finishReason: 'STOP', index: 0 })] }],
      expected: [['get_weather', { city: 'London' }], ['get_time', { tz: 'UTC' }]],
    },
    {
      name: 'two calls in two chunks (gcli2api PR #406)',
      geminiChunks: [
        { candidates: [candidate([call('get_weather', { city: 'Beijing' })], { index: 0 })] },
        { candidates: [candidate([call('get_weather', { city: 'Shanghai' })], { index: 0 })] },
        { candidates: [candidate([{ text: '' }], { finishReason: 'STOP', index: 0 })] },
      ],
      expected: [['get_weather', { city: 'Beijing' }], ['get_weather', { city: 'Shanghai' }]],
    },
    {
      name: 'three calls to one tool in separate chunks, with Gemini 3 ids (hermes-agent #101536)',
      geminiChunks: [
        { candidates: [candidate([{ ...call('read_file', { path: 'a.md' }, 'call_2048146'), thoughtSignature: 'c2ln' }])] },
        { candidates: [candidate([call('read_file', { path: 'b.md' }, 'call_2048154')])] },
        { candidates: [candidate([call('read_file', { path: 'c.md' }, 'call_2048158')], { finishReason: 'STOP' })] },
      ],
      expected: [['read_file', { path: 'a.md' }], ['read_file', { path: 'b.md' }], ['read_file', { path: 'c.md' }]],
    },
  ];
  it.each(cases)('$name', ({ geminiChunks, expected }) => {
    const { chunks, complete } = stream(geminiChunks);
    expect(complete).toBe(true);
    const deltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(deltas.map((delta) => delta.index)).toEqual(expected.map((_, index) => index));
    const calls = assembleToolCalls(chunks).get(0)!;
    expect(calls.map((entry) => [entry.name, JSON.parse(entry.arguments) as unknown])).toEqual(expected);
    expect(new Set(calls.map((entry) => entry.id)).size).toBe(expected.length);
    for (const entry of calls) expect(entry.id).toMatch(/^call_/);
    expect(finishReasons(chunks)).toEqual([[0, 'tool_calls']]);
  });

  it('numbers calls per choice from 0 with n>1, with ids distinct across choices (hermes-agent #62940)', () => {
    // hermes-agent #62940 (https://github.com/NousResearch/hermes-agent/issues/62940): parallel calls concatenated into
    // one tool_calls entry, so the client fell back to `{}` arguments and the tools ran with nothing.
    const { chunks } = stream([
      { candidates: [candidate([call('a', { n: 1 }), call('b', { n: 2 })], { index: 0 }), candidate([call('a', { n: 3 })], { index: 1 })] },
      { candidates: [candidate([call('b', { n: 4 })], { index: 1 })] },
      { candidates: [candidate([{ text: '' }], { index: 0, finishReason: 'STOP' }), candidate([{ text: '' }], { index: 1, finishReason: 'STOP' })] },
    ]);
    const perChoice = chunks.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => (choice.delta.tool_calls ?? []).map((delta) => [choice.index, delta.index, delta.function.name])),
    );
    expect(perChoice).toEqual([
      [0, 0, 'a'],
      [0, 1, 'b'],
      [1, 0, 'a'],
      [1, 1, 'b'],
    ]);
    const assembled = assembleToolCalls(chunks);
    expect(assembled.get(0)!.map((entry) => JSON.parse(entry.arguments) as unknown)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(assembled.get(1)!.map((entry) => JSON.parse(entry.arguments) as unknown)).toEqual([{ n: 3 }, { n: 4 }]);
    const ids = [...assembled.values()].flat().map((entry) => entry.id);
    expect(new Set(ids).size).toBe(4);
    expect(finishReasons(chunks)).toEqual([
      [0, 'tool_calls'],
      [1, 'tool_calls'],
    ]);
  });
});

describe('generated tool-call ids are unique within a response and across turns', () => {
  // vellum-assistant PR #320 (https://github.com/vellum-ai/vellum-assistant/pull/320): fallback ids restarted at
  // `call_0` on every turn, so the next turn's tool_call_id → name lookup hit the wrong call.
  const twoCalls = parse({ candidates: [candidate([call('lookup', { q: 'a' }), call('lookup', { q: 'b' })], { finishReason: 'STOP' })] });

  it('gives two turns (two requests, two fallback ids) different ids for the same Gemini answer', () => {
    const first = geminiResponseToOpenAI(twoCalls, context).completion.choices[0]!.message.tool_calls!;
    const second = geminiResponseToOpenAI(twoCalls, { ...context, fallbackId: 'chatcmpl-fedcba9876543210fedcba9876543210' }).completion.choices[0]!
      .message.tool_calls!;
    const ids = [...first, ...second].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).not.toMatch(/^call_\d+$/);
  });

  it('gives every call of every choice its own id in a unary n>1 answer', () => {
    const { completion } = geminiResponseToOpenAI(
      parse({
        candidates: [
          candidate([call('lookup', { q: 'a' }), call('lookup', { q: 'b' })], { finishReason: 'STOP', index: 0 }),
          candidate([call('lookup', { q: 'a' })], { finishReason: 'STOP', index: 1 }),
        ],
      }),
      context,
    );
    const ids = completion.choices.flatMap((choice) => choice.message.tool_calls!.map((entry) => entry.id));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });

  it('gives a stream and its n>1 choices distinct ids, and a second stream new ones', () => {
    const chunks = [{ candidates: [candidate([call('lookup', {})], { index: 0, finishReason: 'STOP' }), candidate([call('lookup', {})], { index: 1, finishReason: 'STOP' })] }];
    const ids = (streamContext: ResponseContext) =>
      [...assembleToolCalls(stream(chunks, false, streamContext).chunks).values()].flat().map((entry) => entry.id);
    const first = ids(context);
    const second = ids({ ...context, fallbackId: 'chatcmpl-fedcba9876543210fedcba9876543210' });
    expect(new Set([...first, ...second]).size).toBe(4);
  });
});

describe('finish_reason is decided over the whole stream', () => {
  // envoy ai-gateway PR #2399 (https://github.com/envoyproxy/ai-gateway/pull/2399) and LiteLLM PR #23895
  // (https://github.com/BerriAI/litellm/pull/23895): newer models send the functionCall without a finishReason and
  // close with `{"text":""}` + STOP; per-chunk mapping answered "stop" and agents ended the turn without running tools.
  // LiteLLM PR #21577 (https://github.com/BerriAI/litellm/pull/21577): the same with a content-less STOP chunk.
  const toolChunk = (index?: number) => ({ candidates: [candidate([call('get_weather', { city: 'Rome' })], index === undefined ? {} : { index })] });
  const cases = [
    { name: 'a trailing STOP chunk with an empty text part (LiteLLM PR #23895)', geminiChunks: [toolChunk(0), { candidates: [candidate([{ text: '' }], { finishReason: 'STOP', index: 0 })] }] },
    { name: 'a trailing STOP chunk without content (LiteLLM PR #21577)', geminiChunks: [toolChunk(0), { candidates: [{ finishReason: 'STOP', index: 0 }] }] },
    { name: 'a trailing STOP chunk with empty content and usage (envoy PR #2399, Vertex without index)', geminiChunks: [toolChunk(), { candidates: [{ content: { parts: [{ text: '' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 107, candidatesTokenCount: 31, thoughtsTokenCount: 148, totalTokenCount: 286 } }] },
    { name: 'text after the call, then STOP', geminiChunks: [toolChunk(0), { candidates: [candidate([{ text: 'Checking.' }], { index: 0 })] }, { candidates: [candidate([{ text: '' }], { finishReason: 'STOP', index: 0 })] }] },
  ];
  it.each(cases)('returns "tool_calls" for $name', ({ geminiChunks }) => {
    const { chunks } = stream(geminiChunks);
    expect(finishReasons(chunks)).toEqual([[0, 'tool_calls']]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices.every((choice) => choice.finish_reason === null))).toBe(true);
  });

  it('decides per choice with n>1: the choice that called a tool says "tool_calls", the other "stop"', () => {
    const { chunks } = stream([
      { candidates: [candidate([call('get_weather', { city: 'Rome' })], { index: 0 }), candidate([{ text: 'Sunny.' }], { index: 1 })] },
      { candidates: [candidate([{ text: '' }], { finishReason: 'STOP', index: 1 }), candidate([{ text: '' }], { finishReason: 'STOP', index: 0 })] },
    ]);
    expect(finishReasons(chunks)).toEqual([
      [1, 'stop'],
      [0, 'tool_calls'],
    ]);
  });

  it('decides per choice with n>1 when only a non-zero choice called a tool', () => {
    const { chunks } = stream([
      { candidates: [candidate([{ text: 'Sunny.' }], { index: 0 }), candidate([call('get_weather', { city: 'Rome' })], { index: 1 })] },
      { candidates: [{ finishReason: 'STOP', index: 0 }, { finishReason: 'STOP', index: 1 }] },
    ]);
    expect(finishReasons(chunks)).toEqual([
      [0, 'stop'],
      [1, 'tool_calls'],
    ]);
  });
});

describe('a candidate with a finishReason and no content keeps its choice', () => {
  // pydantic-ai PR #2631 (https://github.com/pydantic/pydantic-ai/pull/2631) and LiteLLM PR #21577: a finish-only
  // candidate (no `content`, or `content: {}` / `{role}` without parts) was skipped, so the choice never finished.
  // envoy ai-gateway PR #2107 (https://github.com/envoyproxy/ai-gateway/pull/2107): the empty-content finish chunk
  // had no `delta`. Recorded shape: pydantic-ai test_google_model_safety_settings.yaml (SAFETY, `content: {}`).
  it('keeps a content-less SAFETY candidate at index 1 next to a normal one (unary)', () => {
    const { completion } = geminiResponseToOpenAI(parse({ candidates: [candidate([{ text: 'a' }], { finishReason: 'STOP', index: 0 }), { finishReason: 'SAFETY', index: 1 }] }), context);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'a', refusal: null }, logprobs: null, finish_reason: 'stop' },
      { index: 1, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'content_filter', native_finish_reason: 'SAFETY' },
    ]);
  });

  it.each([
    { name: '`content: {}` with STOP', geminiCandidate: { content: {}, finishReason: 'STOP' }, finish: 'stop', native: undefined },
    { name: '`content: {role: "model"}` with MAX_TOKENS', geminiCandidate: { content: { role: 'model' }, finishReason: 'MAX_TOKENS' }, finish: 'length', native: undefined },
    { name: '`content: {}` with SAFETY', geminiCandidate: { content: {}, finishReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH', blocked: true }] }, finish: 'content_filter', native: 'SAFETY' },
  ])('keeps choice 0 for $name (unary)', ({ geminiCandidate, finish, native }) => {
    const { completion } = geminiResponseToOpenAI(parse({ candidates: [geminiCandidate] }), context);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: finish, ...(native ? { native_finish_reason: native } : {}) },
    ]);
  });

  it('streams a finish-only chunk for choice 1 as its own choice with an empty delta content', () => {
    const { chunks, complete } = stream([
      { candidates: [candidate([{ text: 'a' }], { index: 0 })] },
      { candidates: [{ finishReason: 'SAFETY', index: 1 }] },
      { candidates: [candidate([{ text: '' }], { finishReason: 'STOP', index: 0 })] },
    ]);
    expect(complete).toBe(true);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: 'a' }, logprobs: null, finish_reason: null }],
      [{ index: 1, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'content_filter', native_finish_reason: 'SAFETY' }],
      [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
    ]);
  });

  it.each([
    { name: '`content: {}` with STOP', geminiCandidate: { content: {}, finishReason: 'STOP' }, finish: 'stop' },
    { name: 'no content with MAX_TOKENS', geminiCandidate: { finishReason: 'MAX_TOKENS', index: 0 }, finish: 'length' },
  ])('streams a first and only chunk of $name as one finished choice', ({ geminiCandidate, finish }) => {
    const { chunks, complete } = stream([{ candidates: [geminiCandidate], usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } }]);
    expect(complete).toBe(true);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([[{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: finish }]]);
  });
});

describe('streamed usage is the last cumulative usageMetadata, never a sum', () => {
  // agno PR #6624 (https://github.com/agno-agi/agno/pull/6624) and docker-agent PR #1855
  // (https://github.com/docker/docker-agent/pull/1855): Gemini repeats cumulative usageMetadata on every chunk, and
  // adding them up reported 10-17x the real token counts.
  const usages = [
    { promptTokenCount: 9, candidatesTokenCount: 2, totalTokenCount: 11 },
    { promptTokenCount: 9, candidatesTokenCount: 14, totalTokenCount: 23 },
    { promptTokenCount: 9, candidatesTokenCount: 28, thoughtsTokenCount: 244, cachedContentTokenCount: 3, totalTokenCount: 281 },
  ];
  const text = (value: string, extra: Record<string, unknown> = {}) => ({ candidates: [candidate([{ text: value }], { index: 0, ...extra })] });

  it('reports the last chunk\'s counts in the final usage chunk', () => {
    const { chunks } = stream(
      [
        { ...text('a'), usageMetadata: usages[0] },
        { ...text('b'), usageMetadata: usages[1] },
        { ...text('c', { finishReason: 'STOP' }), usageMetadata: usages[2] },
      ],
      true,
    );
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 28 + 244,
      total_tokens: 281,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 244 },
    });
    expect(usageChunk.usage).toEqual(geminiUsageToOpenAI(usages[2]));
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('keeps the last usage seen when the closing chunk carries none', () => {
    const { chunks } = stream([{ ...text('a'), usageMetadata: usages[0] }, { ...text('b'), usageMetadata: usages[1] }, text('', { finishReason: 'STOP' })], true);
    expect(chunks.at(-1)!.usage).toEqual(geminiUsageToOpenAI(usages[1]));
  });

  it('uses Vertex\'s final counts after intermediate chunks that only carry trafficType', () => {
    const { chunks } = stream(
      [
        { ...text('a'), usageMetadata: { trafficType: 'ON_DEMAND' } },
        { ...text('b'), usageMetadata: { trafficType: 'ON_DEMAND' } },
        { ...text('', { finishReason: 'STOP' }), usageMetadata: { ...usages[2], trafficType: 'ON_DEMAND' } },
      ],
      true,
    );
    expect(chunks.at(-1)!.usage).toEqual(geminiUsageToOpenAI(usages[2]));
  });
});

describe('logprobs.refusal is an empty array whenever logprobs is present', () => {
  // The OpenAI reference types `choices[].logprobs.refusal` as an array of token logprobs; clients that decode it into
  // a non-nullable list reject null (the same class of failure as openai-agents-python #1616,
  // https://github.com/openai/openai-agents-python/issues/1616, where a provider's logprobs/refusal shape failed validation).
  const logprobsResult = { chosenCandidates: [{ token: 'Hi', logProbability: -0.2 }], topCandidates: [{ candidates: [{ token: 'Hi', logProbability: -0.2 }] }] };

  it('sets refusal [] on a unary choice', () => {
    const { completion } = geminiResponseToOpenAI(parse({ candidates: [candidate([{ text: 'Hi' }], { finishReason: 'STOP', logprobsResult })] }), context);
    expect(completion.choices[0]!.logprobs).toEqual({
      content: [{ token: 'Hi', logprob: -0.2, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.2, bytes: [72, 105] }] }],
      refusal: [],
    });
  });

  it('sets refusal [] on every streamed choice that carries logprobs, and keeps logprobs null without them', () => {
    const { chunks } = stream([
      { candidates: [candidate([{ text: 'Hi' }], { index: 0, logprobsResult })] },
      { candidates: [candidate([{ text: '' }], { index: 0, finishReason: 'STOP' })] },
    ]);
    expect(chunks[0]!.choices[0]!.logprobs).toEqual(expect.objectContaining({ refusal: [] }));
    expect(chunks[1]!.choices[0]!.logprobs).toBeNull();
  });

  it('sets refusal [] when Gemini returns an empty chosenCandidates list', () => {
    const { completion } = geminiResponseToOpenAI(parse({ candidates: [candidate([{ text: '' }], { finishReason: 'STOP', logprobsResult: { chosenCandidates: [] } })] }), context);
    expect(completion.choices[0]!.logprobs).toEqual({ content: [], refusal: [] });
  });
});
