import { loadRecordedChunks, loadRecordedJson } from '../../../helpers/recorded-fixtures';
import {
  geminiGenerateContentResponseSchema,
  type GeminiGenerateContentResponse,
} from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { geminiResponseToOpenAI } from '@sidecar/translate/chat-completions/gemini-response-to-openai';
import { GeminiStreamTranslator } from '@sidecar/translate/chat-completions/gemini-stream-translator';
import type { OpenAIChatCompletionChunk } from '@sidecar/translate/chat-completions/openai-chat-response';

const context = { model: 'gemini-3-pro-preview', created: 1_700_000_000, fallbackId: 'chatcmpl-0123456789abcdef0123456789abcdef' };
const parse = (value: unknown): GeminiGenerateContentResponse => geminiGenerateContentResponseSchema.parse(value);

type RecordedPart = { functionCall?: { id?: string; name: string; args?: Record<string, unknown> }; thoughtSignature?: string };
function recordedCalls(chunks: unknown[]): RecordedPart[] {
  return (chunks as Array<{ candidates?: Array<{ content?: { parts?: RecordedPart[] } }> }>)
    .flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? [])
    .filter((part) => part.functionCall);
}

function stream(chunks: unknown[], includeUsage = false): OpenAIChatCompletionChunk[] {
  const translator = new GeminiStreamTranslator(context, includeUsage);
  const out = chunks.flatMap((chunk) => translator.push(parse(chunk)));
  const finish = translator.finish();
  expect(finish.complete).toBe(true);
  return [...out, ...finish.chunks];
}

describe('tool calls out (non-streaming)', () => {
  it('maps the recorded Gemini 3 call: Gemini id, JSON arguments, signature in extra_content, finish tool_calls', () => {
    const recorded = loadRecordedJson('vercel-ai/google-tool-call.json');
    const [call] = recordedCalls([recorded]);
    const { completion } = geminiResponseToOpenAI(parse(recorded), context);
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual([
      {
        id: call!.functionCall!.id ?? expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: call!.functionCall!.name, arguments: JSON.stringify(call!.functionCall!.args ?? {}) },
        extra_content: { google: { thought_signature: call!.thoughtSignature } },
      },
    ]);
  });

  it('gives Gemini 2.5 calls (no id) distinct generated ids and "{}" for missing args', () => {
    const { completion } = geminiResponseToOpenAI(
      parse({
        candidates: [
          {
            content: { role: 'model', parts: [{ functionCall: { name: 'a' } }, { functionCall: { name: 'b', args: { x: 1 } } }] },
            finishReason: 'STOP',
          },
        ],
      }),
      context,
    );
    const calls = completion.choices[0]!.message.tool_calls!;
    expect(calls.map((call) => call.function)).toEqual([
      { name: 'a', arguments: '{}' },
      { name: 'b', arguments: '{"x":1}' },
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(calls[0]!.id).toMatch(/^call_[0-9a-f]{24}_0$/);
  });

  it('keeps MAX_TOKENS as length even after a call', () => {
    const { completion } = geminiResponseToOpenAI(
      parse({ candidates: [{ content: { parts: [{ functionCall: { name: 'a' } }] }, finishReason: 'MAX_TOKENS' }] }),
      context,
    );
    expect(completion.choices[0]!.finish_reason).toBe('length');
  });

  it('returns images as message.images data URLs and keeps the text in content', () => {
    const { completion } = geminiResponseToOpenAI(
      parse({
        candidates: [
          { content: { parts: [{ text: 'Here it is' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] }, finishReason: 'STOP' },
        ],
      }),
      context,
    );
    expect(completion.choices[0]!.message).toMatchObject({
      content: 'Here it is',
      images: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' }, index: 0 }],
    });
  });

  it('maps logprobsResult to logprobs.content with top_logprobs and UTF-8 bytes', () => {
    const { completion } = geminiResponseToOpenAI(
      parse({
        candidates: [
          {
            content: { parts: [{ text: 'Hé' }] },
            finishReason: 'STOP',
            logprobsResult: {
              chosenCandidates: [{ token: 'Hé', logProbability: -0.1 }],
              topCandidates: [{ candidates: [{ token: 'Hé', logProbability: -0.1 }, { token: 'Ha', logProbability: -2 }] }],
            },
          },
        ],
      }),
      context,
    );
    expect(completion.choices[0]!.logprobs).toEqual({
      content: [
        {
          token: 'Hé',
          logprob: -0.1,
          bytes: [72, 195, 169],
          top_logprobs: [
            { token: 'Hé', logprob: -0.1, bytes: [72, 195, 169] },
            { token: 'Ha', logprob: -2, bytes: [72, 97] },
          ],
        },
      ],
      refusal: [],
    });
  });

  it('turns search grounding into url_citation annotations', () => {
    const { completion } = geminiResponseToOpenAI(
      parse({
        candidates: [
          {
            content: { parts: [{ text: 'Paris is sunny.' }] },
            finishReason: 'STOP',
            groundingMetadata: {
              groundingChunks: [{ web: { uri: 'https://weather.example/paris', title: 'weather.example' } }],
              groundingSupports: [{ segment: { startIndex: 0, endIndex: 15 }, groundingChunkIndices: [0] }],
            },
          },
        ],
      }),
      context,
    );
    expect(completion.choices[0]!.message.annotations).toEqual([
      { type: 'url_citation', url_citation: { url: 'https://weather.example/paris', title: 'weather.example', start_index: 0, end_index: 15 } },
    ]);
  });
});

describe('tool calls out (streaming)', () => {
  it('replays the recorded split stream: call in chunk 1, STOP in a later chunk → finish tool_calls', () => {
    const recorded = loadRecordedChunks('vercel-ai/google-tool-call.chunks.txt');
    const [call] = recordedCalls(recorded);
    const chunks = stream(recorded);
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    const toolDeltas = deltas.flatMap((delta) => delta.tool_calls ?? []);
    expect(toolDeltas).toEqual([
      expect.objectContaining({
        index: 0,
        type: 'function',
        function: { name: call!.functionCall!.name, arguments: JSON.stringify(call!.functionCall!.args ?? {}) },
        extra_content: { google: { thought_signature: call!.thoughtSignature } },
      }),
    ]);
    const finishes = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter((reason) => reason !== null);
    expect(finishes).toEqual(['tool_calls']);
  });

  it('replays the recorded no-args call with arguments "{}"', () => {
    const chunks = stream(loadRecordedChunks('vercel-ai/google-stream-no-args-tool-call.chunks.txt'));
    const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(() => JSON.parse(call.function.arguments) as unknown).not.toThrow();
    expect(calls.some((call) => call.function.arguments === '{}')).toBe(true);
  });

  it('numbers calls across chunks from 0 per choice', () => {
    const call = (name: string) => ({ candidates: [{ content: { parts: [{ functionCall: { name } }] }, index: 0 }] });
    const chunks = stream([call('a'), call('b'), { candidates: [{ content: { parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }] }]);
    const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(calls.map((entry) => [entry.index, entry.function.name])).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('streams images as delta.images', () => {
    const chunks = stream([
      { candidates: [{ content: { parts: [{ text: 'Look:' }] }, index: 0 }] },
      { candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }] }, finishReason: 'STOP', index: 0 }] },
    ]);
    expect(chunks.at(-1)!.choices[0]!.delta.images).toEqual([{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' }, index: 0 }]);
  });
});
