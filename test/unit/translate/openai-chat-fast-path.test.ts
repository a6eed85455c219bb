import fc from 'fast-check';
import { parseOutcome } from '../../helpers/parse-outcome';
import { plainChatRequest } from '@sidecar/translate/chat-completions/openai-chat-fast-path';
import { openAIChatRequestSchema } from '@sidecar/translate/chat-completions/openai-chat-schema';
import { parseOpenAIChatRequest } from '@sidecar/translate/chat-completions/parse-openai-chat-request';
import { parseRequestBody } from '@sidecar/translate/parse-with-param';
import { chatBody } from '../../fuzz/openai-chat-arbitraries';

describe('plainChatRequest', () => {
  it.each([false, true])('leaves every outcome as zod alone gave it, result or 400 (2,000 arbitrary bodies, wild %s)', (wild) => {
    let fast = 0;
    fc.assert(
      // Through JSON text, as every body reaches the sidecar (fast-check also builds null-prototype objects).
      fc.property(chatBody(wild), (value) => {
        const body = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        if (plainChatRequest(body)) fast++;
        expect(parseOutcome(() => parseOpenAIChatRequest(body))).toStrictEqual(parseOutcome(() => parseRequestBody(openAIChatRequestSchema, body)));
      }),
      { numRuns: 2_000 },
    );
    // Not a vacuous property: tidy bodies often take the fast path.
    if (!wild) expect(fast).toBeGreaterThan(100);
  });

  it('takes the bodies the stock SDKs send for a plain chat, streamed or not, with text parts', () => {
    const bodies = [
      { model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], temperature: 0.7, max_tokens: 256 },
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: true, stream_options: { include_usage: true } },
      { model: 'm', messages: [{ role: 'developer', content: 'x', name: 'n' }, { role: 'assistant', content: null }], n: 2, seed: 7, stop: ['a'], user: 'u', extra_field: 1 },
    ];
    for (const body of bodies) {
      const plain = plainChatRequest(body);
      expect(plain).toBeDefined();
      expect(plain).toStrictEqual(openAIChatRequestSchema.parse(body));
    }
  });

  const base = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
  it.each([
    ['an empty model', { ...base, model: '' }],
    ['no messages', { ...base, messages: [] }],
    ['an unknown role', { ...base, messages: [{ role: 'robot', content: 'x' }] }],
    ['a numeric content', { ...base, messages: [{ role: 'user', content: 1 }] }],
    ['a part without type', { ...base, messages: [{ role: 'user', content: [{ text: 'x' }] }] }],
    ['a part with a null text', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: null }] }] }],
    ['tool-call history', { ...base, messages: [{ role: 'assistant', tool_calls: [{ id: '1', function: { name: 'f', arguments: '{}' } }] }] }],
    ['a tool answer with a numeric id', { ...base, messages: [{ role: 'tool', content: 'x', tool_call_id: 1 }] }],
    ['stream options with another key', { ...base, stream_options: { include_usage: true, other: 1 } }],
    ['a temperature above 2', { ...base, temperature: 2.5 }],
    ['a fractional max_tokens', { ...base, max_tokens: 1.5 }],
    ['n of 9', { ...base, n: 9 }],
    ['a numeric stop', { ...base, stop: 1 }],
    ['a top_logprobs of 21', { ...base, top_logprobs: 21 }],
    ['a string stream flag', { ...base, stream: 'yes' }],
  ])('leaves %s to zod', (_name, body) => {
    expect(plainChatRequest(body as Record<string, unknown>)).toBeUndefined();
  });
});
