import { openAIChatRequestSchema } from '@sidecar/translate/chat-completions/openai-chat-schema';
import { openaiRequestToGemini } from '@sidecar/translate/chat-completions/openai-request-to-gemini';
import { DUMMY_THOUGHT_SIGNATURE } from '@sidecar/translate/chat-completions/thought-signatures';

/**
 * Regressions other OpenAI → Gemini translators shipped (see /work/shared/reference/peer-study.md), one case per bug,
 * each named after the peer report it guards against. Request direction: OpenAI request in, Gemini request out.
 */

function translate(body: Record<string, unknown>) {
  return openaiRequestToGemini(openAIChatRequestSchema.parse(body)).geminiRequest;
}

const weatherCall = (id: string, city: string) => ({ id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } });

describe('an assistant message with empty content and tool_calls sends only functionCall parts', () => {
  // CLIProxyAPI #749 (https://github.com/router-for-me/CLIProxyAPI/issues/749): `content: ""` next to tool_calls
  // became `{"text":""}`, which Gemini rejects; CLIProxyAPI #1292 (https://github.com/router-for-me/CLIProxyAPI/issues/1292):
  // "required oneof field 'data' must have one initialized field" for an empty text part.
  const cases = [
    { name: 'content ""', content: '' },
    { name: 'content null', content: null },
    { name: 'content missing', content: undefined },
    { name: 'content []', content: [] },
    { name: 'content [{type:"text", text:""}]', content: [{ type: 'text', text: '' }] },
    { name: 'content [{type:"text", text:""}, {type:"text", text:""}]', content: [{ type: 'text', text: '' }, { type: 'text', text: '' }] },
  ];

  it.each(cases)('$name (CLIProxyAPI #749)', ({ content }) => {
    const request = translate({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        { role: 'assistant', ...(content === undefined ? {} : { content }), tool_calls: [weatherCall('a', 'Paris'), weatherCall('b', 'Rome')] },
        { role: 'tool', tool_call_id: 'a', content: 'sunny' },
        { role: 'tool', tool_call_id: 'b', content: 'rain' },
      ],
    });
    expect(request.contents[1]).toEqual({
      role: 'model',
      parts: [
        { functionCall: { id: 'a', name: 'get_weather', args: { city: 'Paris' } } },
        { functionCall: { id: 'b', name: 'get_weather', args: { city: 'Rome' } } },
      ],
    });
    const parts = request.contents.flatMap((turn) => turn.parts);
    expect(parts.filter((part) => part.text !== undefined && part.text.length === 0)).toEqual([]);
  });

  it.each(cases)('$name on Gemini 3: the dummy signature goes on the first call, still no text part', ({ content }) => {
    const request = translate({
      model: 'gemini-3-flash-preview',
      messages: [
        { role: 'user', content: 'Paris?' },
        { role: 'assistant', ...(content === undefined ? {} : { content }), tool_calls: [weatherCall('a', 'Paris')] },
        { role: 'tool', tool_call_id: 'a', content: 'sunny' },
      ],
    });
    expect(request.contents[1]!.parts).toEqual([
      { functionCall: { id: 'a', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: DUMMY_THOUGHT_SIGNATURE },
    ]);
  });

  it('puts a message-level signature on the first call when the content is empty', () => {
    const request = translate({
      model: 'gemini-3-flash-preview',
      messages: [
        { role: 'user', content: 'Paris?' },
        { role: 'assistant', content: '', tool_calls: [weatherCall('a', 'Paris')], extra_content: { google: { thought_signature: 'c2ln' } } },
        { role: 'tool', tool_call_id: 'a', content: 'sunny' },
      ],
    });
    expect(request.contents[1]!.parts).toEqual([{ functionCall: { id: 'a', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' }]);
  });

  it('drops an empty assistant turn without tool_calls altogether (no empty parts list)', () => {
    const request = translate({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'b' },
      ],
    });
    expect(request.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });
});
