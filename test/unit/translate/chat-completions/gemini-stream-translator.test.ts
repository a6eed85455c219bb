import { geminiGenerateContentResponseSchema } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { GeminiStreamTranslator } from '@sidecar/translate/chat-completions/gemini-stream-translator';
import type { OpenAIChatCompletionChunk, ResponseContext } from '@sidecar/translate/chat-completions/openai-chat-response';
import { loadRecordedChunks } from '../../../helpers/recorded-fixtures';

const context: ResponseContext = { model: 'gemini-2.5-flash', created: 1_700_000_000, fallbackId: 'chatcmpl-fallback' };

/** Feeds raw Gemini chunks through the route's schema and the translator; returns every chunk and the finish. */
function run(rawChunks: unknown[], includeUsage = false) {
  const translator = new GeminiStreamTranslator(context, includeUsage);
  const chunks: OpenAIChatCompletionChunk[] = [];
  for (const raw of rawChunks) chunks.push(...translator.push(geminiGenerateContentResponseSchema.parse(raw)));
  const finish = translator.finish();
  return { chunks, finish, all: [...chunks, ...finish.chunks], warnings: translator.warnings };
}

function textChunk(text: string, extra: Record<string, unknown> = {}, chunkExtra: Record<string, unknown> = {}) {
  return { candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...extra }], responseId: 'r1', ...chunkExtra };
}

const usage1 = { promptTokenCount: 5, candidatesTokenCount: 1, totalTokenCount: 6 };
const usage2 = { promptTokenCount: 5, candidatesTokenCount: 3, thoughtsTokenCount: 2, totalTokenCount: 10 };

/** Gemini 3 closes a text answer with an empty text part that only carries a thoughtSignature. */
const gemini3Tail = {
  candidates: [{ content: { parts: [{ text: '', thoughtSignature: 'c2ln' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
  responseId: 'r1',
};

describe('GeminiStreamTranslator', () => {
  const cases = [
    {
      name: 'sends role "assistant" in the first delta only',
      geminiChunks: [textChunk('Hel'), textChunk('lo', { finishReason: 'STOP' })],
      expectedChoices: [
        { index: 0, delta: { role: 'assistant', content: 'Hel' }, logprobs: null, finish_reason: null },
        { index: 0, delta: { content: 'lo' }, logprobs: null, finish_reason: 'stop' },
      ],
    },
    {
      name: 'carries the Gemini 3 signature-only tail as extra_content with finish_reason "stop"',
      geminiChunks: [textChunk('Hi'), gemini3Tail],
      expectedChoices: [
        { index: 0, delta: { role: 'assistant', content: 'Hi' }, logprobs: null, finish_reason: null },
        { index: 0, delta: { extra_content: { google: { thought_signature: 'c2ln' } } }, logprobs: null, finish_reason: 'stop' },
      ],
    },
    {
      name: 'sends thought parts as reasoning_content',
      geminiChunks: [
        { candidates: [{ content: { parts: [{ text: 'hmm', thought: true }] } }] },
        textChunk('ok', { finishReason: 'STOP' }),
      ],
      expectedChoices: [
        { index: 0, delta: { role: 'assistant', content: '', reasoning_content: 'hmm' }, logprobs: null, finish_reason: null },
        { index: 0, delta: { content: 'ok' }, logprobs: null, finish_reason: 'stop' },
      ],
    },
    {
      name: 'returns finish_reason "length" for MAX_TOKENS',
      geminiChunks: [textChunk('cut', { finishReason: 'MAX_TOKENS' })],
      expectedChoices: [{ index: 0, delta: { role: 'assistant', content: 'cut' }, logprobs: null, finish_reason: 'length' }],
    },
    {
      name: 'returns finish_reason "content_filter" with native_finish_reason for SAFETY',
      geminiChunks: [textChunk('a'), { candidates: [{ finishReason: 'SAFETY', index: 0 }] }],
      expectedChoices: [
        { index: 0, delta: { role: 'assistant', content: 'a' }, logprobs: null, finish_reason: null },
        { index: 0, delta: {}, logprobs: null, finish_reason: 'content_filter', native_finish_reason: 'SAFETY' },
      ],
    },
    {
      name: 'returns finish_reason "content_filter" for a blocked prompt',
      geminiChunks: [{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: usage1, responseId: 'r1' }],
      expectedChoices: [
        {
          index: 0,
          delta: { role: 'assistant', content: null },
          logprobs: null,
          finish_reason: 'content_filter',
          native_finish_reason: 'PROMPT_BLOCKED:PROHIBITED_CONTENT',
        },
      ],
    },
    {
      name: 'keeps per-choice state for two candidates',
      geminiChunks: [
        { candidates: [{ content: { parts: [{ text: 'a1' }] }, index: 0 }, { content: { parts: [{ text: 'b1' }] }, index: 1 }] },
        { candidates: [{ content: { parts: [{ text: 'a2' }] }, index: 0, finishReason: 'STOP' }] },
        { candidates: [{ content: { parts: [{ text: 'b2' }] }, index: 1 }] },
        { candidates: [{ content: { parts: [{ text: '' }] }, index: 1, finishReason: 'MAX_TOKENS' }] },
      ],
      expectedChoices: [
        { index: 0, delta: { role: 'assistant', content: 'a1' }, logprobs: null, finish_reason: null },
        { index: 1, delta: { role: 'assistant', content: 'b1' }, logprobs: null, finish_reason: null },
        { index: 0, delta: { content: 'a2' }, logprobs: null, finish_reason: 'stop' },
        { index: 1, delta: { content: 'b2' }, logprobs: null, finish_reason: null },
        { index: 1, delta: {}, logprobs: null, finish_reason: 'length' },
      ],
    },
    {
      name: 'uses choice index 0 for a candidate without index',
      geminiChunks: [{ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] }],
      expectedChoices: [{ index: 0, delta: { role: 'assistant', content: 'x' }, logprobs: null, finish_reason: 'stop' }],
    },
  ];
  it.each(cases)('$name', ({ geminiChunks, expectedChoices }) => {
    const { chunks, finish } = run(geminiChunks);
    expect(chunks.map((chunk) => chunk.choices)).toEqual(expectedChoices.map((choice) => [choice]));
    expect(finish).toEqual({ chunks: [], complete: true });
  });

  it('sets finish_reason on the last chunk of each choice only', () => {
    const { chunks } = run([textChunk('a'), textChunk('b'), textChunk('c'), gemini3Tail]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, null, 'stop']);
  });

  it('never sends an empty content delta', () => {
    const { chunks } = run([textChunk('a'), textChunk(''), gemini3Tail]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: 'a' },
      { extra_content: { google: { thought_signature: 'c2ln' } } },
    ]);
  });

  it('uses one id from responseId, the context model and created on every chunk', () => {
    const { all } = run([textChunk('a'), textChunk('b', {}, { responseId: 'r2' }), gemini3Tail], true);
    for (const chunk of all) {
      expect(chunk).toMatchObject({ id: 'chatcmpl-r1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gemini-2.5-flash' });
    }
  });

  it('uses the fallback id without a responseId', () => {
    expect(run([{ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' }] }]).chunks[0]?.id).toBe('chatcmpl-fallback');
  });

  it('adds usage null to every chunk and a final choices-less chunk with the last usage when include_usage is set', () => {
    const { chunks, finish } = run([textChunk('a', {}, { usageMetadata: usage1 }), textChunk('b', { finishReason: 'STOP' }, { usageMetadata: usage2 })], true);
    for (const chunk of chunks) expect(chunk.usage).toBeNull();
    expect(finish.complete).toBe(true);
    expect(finish.chunks).toEqual([
      {
        id: 'chatcmpl-r1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'gemini-2.5-flash',
        choices: [],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 5,
          total_tokens: 10,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 2 },
        },
      },
    ]);
  });

  it('uses a usage-only chunk after the finishReason chunk', () => {
    const { finish } = run([textChunk('a', { finishReason: 'STOP' }, { usageMetadata: usage1 }), { usageMetadata: usage2, responseId: 'r1' }], true);
    expect(finish.chunks[0]?.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
  });

  it('leaves the usage key out without include_usage', () => {
    const { all } = run([textChunk('a', {}, { usageMetadata: usage1 }), gemini3Tail], false);
    expect(all).toHaveLength(2);
    for (const chunk of all) expect(chunk).not.toHaveProperty('usage');
  });

  const truncated = [
    { name: 'reports complete false when the stream ends without finishReason', geminiChunks: [textChunk('a'), textChunk('b')] },
    { name: 'reports complete false when no chunk arrived at all', geminiChunks: [] },
    {
      name: 'reports complete false when one of two choices has no finishReason',
      geminiChunks: [{ candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0, finishReason: 'STOP' }, { content: { parts: [{ text: 'b' }] }, index: 1 }] }],
    },
  ];
  it.each(truncated)('$name', ({ geminiChunks }) => {
    expect(run(geminiChunks, true).finish).toEqual({ chunks: [], complete: false });
  });

  it('returns the usage chunk after a blocked prompt when include_usage is set', () => {
    const { finish } = run([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: usage1, responseId: 'r1' }], true);
    expect(finish.complete).toBe(true);
    expect(finish.chunks[0]).toMatchObject({ choices: [], usage: { prompt_tokens: 5, total_tokens: 6 } });
  });

  it('warns and sends nothing for content after a choice finished', () => {
    const { chunks, warnings } = run([textChunk('a', { finishReason: 'STOP' }), textChunk('late')]);
    expect(chunks).toHaveLength(1);
    expect(warnings).toEqual(['Gemini sent content for choice 0 after its finishReason']);
  });

  it('returns finish_reason "stop" and a warning for an unknown finishReason', () => {
    const { chunks, warnings } = run([textChunk('a', { finishReason: 'NEW_REASON' })]);
    expect(chunks[0]?.choices[0]).toMatchObject({ finish_reason: 'stop', native_finish_reason: 'NEW_REASON' });
    expect(warnings).toEqual(["unknown Gemini finishReason 'NEW_REASON'"]);
  });
});

describe('GeminiStreamTranslator with recorded streams', () => {
  /** Concatenation of every non-thought text part in a recording. */
  function recordedText(rawChunks: unknown[]): string {
    return rawChunks
      .map((raw) => geminiGenerateContentResponseSchema.parse(raw))
      .flatMap((chunk) => chunk.candidates ?? [])
      .flatMap((candidate) => candidate.content?.parts ?? [])
      .filter((part) => part.thought !== true)
      .map((part) => part.text ?? '')
      .join('');
  }

  const recordings = [
    {
      name: 'vercel-ai/google-text.chunks.txt',
      id: 'chatcmpl-bH6LaZW8Fp_3nsEPqtaSwQ4',
      content: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
      finishReasons: [null, null, 'stop'],
      usage: { prompt_tokens: 9, completion_tokens: 208, total_tokens: 217, reasoning_tokens: 185 },
    },
    {
      name: 'vercel-ai/google-reasoning.chunks.txt',
      id: 'chatcmpl-dX6LadKVC7SZ28oPr9yJoQs',
      content: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
      finishReasons: [null, null, 'stop'],
      usage: { prompt_tokens: 9, completion_tokens: 285, total_tokens: 294, reasoning_tokens: 256 },
    },
    {
      name: 'vercel-ai/issue-19758-prompt-block.chunks.txt',
      id: 'chatcmpl-EXCPatOAKMrQjMcPteHVmQo',
      content: '',
      finishReasons: ['content_filter'],
      usage: { prompt_tokens: 9, completion_tokens: 0, total_tokens: 9, reasoning_tokens: 0 },
    },
  ];
  it.each(recordings)('replays $name', ({ name, id, content, finishReasons, usage }) => {
    const rawChunks = loadRecordedChunks(name);
    const { chunks, finish, all } = run(rawChunks, true);
    const streamed = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(streamed).toBe(recordedText(rawChunks));
    expect(streamed).toBe(content);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual(finishReasons);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(new Set(all.map((chunk) => chunk.id))).toEqual(new Set([id]));
    expect(finish.complete).toBe(true);
    expect(finish.chunks).toHaveLength(1);
    expect(finish.chunks[0]?.usage).toMatchObject({
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.total_tokens,
      completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
    });
  });
});
