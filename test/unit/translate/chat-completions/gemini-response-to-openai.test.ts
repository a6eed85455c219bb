import { GEMINI_FINISH_REASON_TO_OPENAI, mapGeminiFinishReason } from '@sidecar/translate/chat-completions/finish-reason';
import {
  geminiGenerateContentResponseSchema,
  type GeminiGenerateContentResponse,
} from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { geminiResponseToOpenAI } from '@sidecar/translate/chat-completions/gemini-response-to-openai';
import type { ResponseContext } from '@sidecar/translate/chat-completions/openai-chat-response';
import { geminiUsageToOpenAI } from '@sidecar/translate/chat-completions/usage';
import { loadRecordedJson } from '../../../helpers/recorded-fixtures';

const context: ResponseContext = { model: 'google/gemini-2.5-flash', created: 1_700_000_000, fallbackId: 'chatcmpl-fallback' };

/** Parses with the route's schema, then translates. */
function translate(raw: unknown) {
  return geminiResponseToOpenAI(geminiGenerateContentResponseSchema.parse(raw), context);
}

function recorded(name: string): GeminiGenerateContentResponse {
  return geminiGenerateContentResponseSchema.parse(loadRecordedJson(name));
}

const zeroUsage = {
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  prompt_tokens_details: { cached_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0 },
};

describe('geminiResponseToOpenAI', () => {
  const cases = [
    {
      name: 'joins the text of several parts',
      geminiResponse: { candidates: [{ content: { parts: [{ text: 'Hel' }, { text: 'lo' }, { text: '!' }] }, finishReason: 'STOP' }] },
      expectedChoices: [
        { index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
    },
    {
      name: 'moves thought parts to reasoning_content and out of content',
      geminiResponse: {
        candidates: [
          {
            content: { parts: [{ text: 'think ', thought: true }, { text: 'more', thought: true }, { text: 'answer' }] },
            finishReason: 'STOP',
          },
        ],
      },
      expectedChoices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'answer', refusal: null, reasoning_content: 'think more' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
    },
    {
      name: 'returns content null when there is no answer text',
      geminiResponse: { candidates: [{ content: { parts: [{ text: 'only thinking', thought: true }] }, finishReason: 'MAX_TOKENS' }] },
      expectedChoices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: null, reasoning_content: 'only thinking' },
          logprobs: null,
          finish_reason: 'length',
        },
      ],
    },
    {
      name: 'returns content null for a candidate without content',
      geminiResponse: { candidates: [{ finishReason: 'SAFETY' }] },
      expectedChoices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: null },
          logprobs: null,
          finish_reason: 'content_filter',
          native_finish_reason: 'SAFETY',
        },
      ],
    },
    {
      name: 'numbers candidates without index by position',
      geminiResponse: {
        candidates: [
          { content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' },
          { content: { parts: [{ text: 'b' }] }, finishReason: 'MAX_TOKENS' },
        ],
      },
      expectedChoices: [
        { index: 0, message: { role: 'assistant', content: 'a', refusal: null }, logprobs: null, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'b', refusal: null }, logprobs: null, finish_reason: 'length' },
      ],
    },
    {
      name: 'orders candidates by their index',
      geminiResponse: {
        candidates: [
          { index: 1, content: { parts: [{ text: 'b' }] }, finishReason: 'STOP' },
          { index: 0, content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' },
        ],
      },
      expectedChoices: [
        { index: 0, message: { role: 'assistant', content: 'a', refusal: null }, logprobs: null, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'b', refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
    },
    {
      name: 'returns one content_filter choice with null content when the prompt is blocked',
      geminiResponse: { promptFeedback: { blockReason: 'SAFETY' } },
      expectedChoices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: null },
          logprobs: null,
          finish_reason: 'content_filter',
          native_finish_reason: 'PROMPT_BLOCKED:SAFETY',
        },
      ],
    },
  ];
  it.each(cases)('$name', ({ geminiResponse, expectedChoices }) => {
    const { completion } = translate(geminiResponse);
    expect(completion.choices).toEqual(expectedChoices);
    expect(completion.usage).toEqual(zeroUsage);
  });

  it('uses chatcmpl-<responseId> as id, the context model and created', () => {
    const { completion } = translate({ responseId: 'abc123', modelVersion: 'gemini-2.5-flash-001', candidates: [] });
    expect(completion).toMatchObject({ id: 'chatcmpl-abc123', object: 'chat.completion', created: 1_700_000_000, model: 'google/gemini-2.5-flash' });
  });

  it('falls back to the context id without a responseId', () => {
    expect(translate({ candidates: [{ content: { parts: [{ text: 'x' }] } }] }).completion.id).toBe('chatcmpl-fallback');
  });

  it('returns finish_reason "stop" and a warning for an unknown finishReason', () => {
    const { completion, warnings } = translate({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'BRAND_NEW' }] });
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'stop', native_finish_reason: 'BRAND_NEW' });
    expect(warnings).toEqual(["unknown Gemini finishReason 'BRAND_NEW'"]);
  });

  it('warns about parts it cannot represent', () => {
    const { completion, warnings } = translate({
      candidates: [{ content: { parts: [{ text: 'x' }, { videoMetadata: { fps: 1 } }] }, finishReason: 'STOP' }],
    });
    expect(completion.choices[0]?.message.content).toBe('x');
    expect(warnings).toEqual(["dropped Gemini part 'videoMetadata'"]);
  });

  it.each(Object.keys(GEMINI_FINISH_REASON_TO_OPENAI))('reports native_finish_reason only when %s is not STOP or MAX_TOKENS', (reason) => {
    const choice = translate({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: reason }] }).completion.choices[0];
    expect(choice?.finish_reason).toBe(GEMINI_FINISH_REASON_TO_OPENAI[reason]);
    if (reason === 'STOP' || reason === 'MAX_TOKENS') expect(choice).not.toHaveProperty('native_finish_reason');
    else expect(choice?.native_finish_reason).toBe(reason);
  });
});

describe('mapGeminiFinishReason', () => {
  const cases = [
    { name: 'STOP → stop', reason: 'STOP', sawToolCalls: false, expected: { finish_reason: 'stop', known: true } },
    { name: 'STOP after tool calls → tool_calls', reason: 'STOP', sawToolCalls: true, expected: { finish_reason: 'tool_calls', known: true } },
    { name: 'MAX_TOKENS → length', reason: 'MAX_TOKENS', sawToolCalls: false, expected: { finish_reason: 'length', known: true } },
    { name: 'MAX_TOKENS after tool calls stays length', reason: 'MAX_TOKENS', sawToolCalls: true, expected: { finish_reason: 'length', known: true } },
    ...['SAFETY', 'RECITATION', 'LANGUAGE', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION', 'IMAGE_OTHER'].map(
      (reason) => ({ name: `${reason} → content_filter`, reason, sawToolCalls: false, expected: { finish_reason: 'content_filter', known: true } }),
    ),
    ...['FINISH_REASON_UNSPECIFIED', 'OTHER', 'NO_IMAGE', 'MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS'].map(
      (reason) => ({ name: `${reason} → stop`, reason, sawToolCalls: false, expected: { finish_reason: 'stop', known: true } }),
    ),
    { name: 'unknown → stop, not known', reason: 'SOMETHING_NEW', sawToolCalls: false, expected: { finish_reason: 'stop', known: false } },
  ];
  it.each(cases)('$name', ({ reason, sawToolCalls, expected }) => {
    expect(mapGeminiFinishReason(reason, sawToolCalls)).toEqual(expected);
  });
});

describe('geminiUsageToOpenAI', () => {
  const cases = [
    { name: 'maps missing usage to zeros', usage: undefined, expected: zeroUsage },
    {
      name: 'maps prompt and candidates',
      usage: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      expected: { ...zeroUsage, prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
    {
      name: 'counts thoughts as completion and reasoning tokens',
      usage: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 20, totalTokenCount: 35 },
      expected: { ...zeroUsage, prompt_tokens: 10, completion_tokens: 25, total_tokens: 35, completion_tokens_details: { reasoning_tokens: 20 } },
    },
    {
      name: 'adds tool-use prompt tokens to prompt and reports cached tokens',
      usage: { promptTokenCount: 10, toolUsePromptTokenCount: 7, cachedContentTokenCount: 4, candidatesTokenCount: 1, totalTokenCount: 18 },
      expected: { ...zeroUsage, prompt_tokens: 17, completion_tokens: 1, total_tokens: 18, prompt_tokens_details: { cached_tokens: 4 } },
    },
    {
      name: 'sums prompt and completion when totalTokenCount is missing',
      usage: { promptTokenCount: 3, candidatesTokenCount: 2, thoughtsTokenCount: 1 },
      expected: { ...zeroUsage, prompt_tokens: 3, completion_tokens: 3, total_tokens: 6, completion_tokens_details: { reasoning_tokens: 1 } },
    },
  ];
  it.each(cases)('$name', ({ usage, expected }) => {
    expect(geminiUsageToOpenAI(usage)).toEqual(expected);
  });
});

function textSignatureOf(name: string): string {
  const response = loadRecordedJson(name) as { candidates: Array<{ content: { parts: Array<{ thoughtSignature?: string }> } }> };
  const signature = response.candidates[0]!.content.parts.findLast((part) => part.thoughtSignature)?.thoughtSignature;
  if (!signature) throw new Error(`${name} has no text-part signature`);
  return signature;
}

describe('geminiResponseToOpenAI with recorded responses', () => {
  it('translates vercel-ai/google-text.json', () => {
    const { completion, warnings } = geminiResponseToOpenAI(recorded('vercel-ai/google-text.json'), context);
    expect(warnings).toEqual([]);
    expect(completion).toEqual({
      id: 'chatcmpl-Un6LacrVMcjUxs0PmJfWoQc',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'google/gemini-2.5-flash',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
            refusal: null,
            // The recording's text part carries Gemini 3's signature; it leaves on the message.
            extra_content: { google: { thought_signature: textSignatureOf('vercel-ai/google-text.json') } },
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 272,
        total_tokens: 281,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 244 },
      },
    });
  });

  it('translates vercel-ai/google-reasoning.json and counts 282 reasoning tokens', () => {
    const { completion } = geminiResponseToOpenAI(recorded('vercel-ai/google-reasoning.json'), context);
    expect(completion.id).toBe('chatcmpl-YH6LaZT7ENmPxN8P-r2J8Aw');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message.content).toBe('There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 311,
      total_tokens: 320,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 282 },
    });
  });

  it('returns finish_reason "content_filter" for vercel-ai/issue-19758-prompt-block.json', () => {
    const { completion, warnings } = geminiResponseToOpenAI(recorded('vercel-ai/issue-19758-prompt-block.json'), context);
    expect(warnings).toEqual([]);
    expect(completion.id).toBe('chatcmpl-EXCPaojyHaDUjMcP656rqAk');
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null },
        logprobs: null,
        finish_reason: 'content_filter',
        native_finish_reason: 'PROMPT_BLOCKED:PROHIBITED_CONTENT',
      },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 });
  });

  it('maps every count of vercel-ai/issue-19822-complete-usage.json', () => {
    const { completion } = geminiResponseToOpenAI(recorded('vercel-ai/issue-19822-complete-usage.json'), context);
    expect(completion.choices[0]?.message.content).toBe('42');
    expect(completion.usage).toEqual({
      prompt_tokens: 19 + 63,
      completion_tokens: 4 + 56,
      total_tokens: 142,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 56 },
    });
    expect(completion.usage.prompt_tokens + completion.usage.completion_tokens).toBe(completion.usage.total_tokens);
  });
});
