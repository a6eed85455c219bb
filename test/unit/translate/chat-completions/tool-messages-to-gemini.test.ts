import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import { openAIChatRequestSchema } from '@sidecar/translate/chat-completions/openai-chat-schema';
import { openaiRequestToGemini } from '@sidecar/translate/chat-completions/openai-request-to-gemini';
import { DUMMY_THOUGHT_SIGNATURE } from '@sidecar/translate/chat-completions/thought-signatures';

function translate(body: Record<string, unknown>) {
  return openaiRequestToGemini(openAIChatRequestSchema.parse(body));
}

const weatherCall = (id: string, city: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'function',
  function: { name: 'get_weather', arguments: JSON.stringify({ city }) },
  ...extra,
});

describe('assistant tool calls and tool results → Gemini', () => {
  const cases = [
    {
      name: 'turns an assistant tool call and its result into functionCall and functionResponse turns',
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [weatherCall('c1', 'Paris')] },
        { role: 'tool', tool_call_id: 'c1', content: '{"temp":"15C"}' },
      ],
      expected: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'get_weather', response: { temp: '15C' } } }] },
      ],
    },
    {
      name: 'puts parallel results into ONE user turn in call order, whatever order the tool messages came in',
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        { role: 'assistant', tool_calls: [weatherCall('a', 'Paris'), weatherCall('b', 'Rome')] },
        { role: 'tool', tool_call_id: 'b', content: 'sunny' },
        { role: 'tool', tool_call_id: 'a', content: '[1,2]' },
      ],
      expected: [
        { role: 'user', parts: [{ text: 'Paris and Rome?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { id: 'a', name: 'get_weather', args: { city: 'Paris' } } },
            { functionCall: { id: 'b', name: 'get_weather', args: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'a', name: 'get_weather', response: { output: [1, 2] } } },
            { functionResponse: { id: 'b', name: 'get_weather', response: { output: 'sunny' } } },
          ],
        },
      ],
    },
    {
      name: 'looks the function name up across the whole history and accepts empty arguments',
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: 'Calling.', tool_calls: [{ id: 'old', type: 'function', function: { name: 'ping', arguments: '' } }] },
        { role: 'user', content: 'still there?' },
        { role: 'tool', tool_call_id: 'old', content: [{ type: 'text', text: 'pong' }] },
      ],
      expected: [
        { role: 'user', parts: [{ text: 'go' }] },
        { role: 'model', parts: [{ text: 'Calling.' }, { functionCall: { id: 'old', name: 'ping', args: {} } }] },
        {
          role: 'user',
          parts: [{ text: 'still there?' }, { functionResponse: { id: 'old', name: 'ping', response: { output: 'pong' } } }],
        },
      ],
    },
    {
      name: 'accepts the legacy function_call / function messages',
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"q":1}' } },
        { role: 'function', name: 'lookup', content: '{"a":2}' },
      ],
      expected: [
        { role: 'user', parts: [{ text: 'x' }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 1 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { a: 2 } } }] },
      ],
    },
  ];
  it.each(cases)('$name', ({ model, messages, expected }) => {
    expect(translate({ model, messages }).geminiRequest.contents).toEqual(expected);
  });

  it('refuses a tool result that names no known call', () => {
    expect(() => translate({ model: 'gemini-2.5-flash', messages: [{ role: 'tool', tool_call_id: 'x', content: '1' }] })).toThrow(
      expect.objectContaining({ param: 'messages[0].tool_call_id' }) as unknown as InvalidRequestError,
    );
  });
});

describe('thought signatures', () => {
  const history = (toolCall: Record<string, unknown>, message: Record<string, unknown> = {}) => [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [toolCall], ...message },
    { role: 'tool', tool_call_id: 'c1', content: '{"temp":"15C"}' },
  ];
  const signatureOfFirstCall = (body: Record<string, unknown>) =>
    translate(body).geminiRequest.contents[1]!.parts.find((part) => part.functionCall)?.thoughtSignature;

  it.each([
    { name: "Google's extra_content.google.thought_signature", call: weatherCall('c1', 'P', { extra_content: { google: { thought_signature: 'Zm9v+/==' } } }) },
    { name: 'function.thought_signature (Portkey)', call: { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}', thought_signature: 'Zm9v+/==' } } },
    { name: 'provider_specific_fields (LiteLLM)', call: weatherCall('c1', 'P', { provider_specific_fields: { thought_signature: 'Zm9v+/==' } }) },
    { name: 'a __thought__ id suffix (LiteLLM)', call: weatherCall('c1__thought__Zm9v+/==', 'P') },
  ])('re-attaches a signature carried as $name, byte for byte', ({ call }) => {
    const body = { model: 'gemini-3-flash-preview', messages: history(call) };
    expect(signatureOfFirstCall(body)).toBe('Zm9v+/==');
    expect(translate(body).dummySignatures).toBe(0);
    expect(translate(body).geminiRequest.contents[1]!.parts[0]!.functionCall!.id).toBe('c1');
  });

  it('sends the documented dummy for Gemini 3 when the client dropped the signature', () => {
    const translated = translate({ model: 'gemini-3-flash-preview', messages: history(weatherCall('c1', 'P')) });
    expect(translated.geminiRequest.contents[1]!.parts[0]!.thoughtSignature).toBe(DUMMY_THOUGHT_SIGNATURE);
    expect(translated.dummySignatures).toBe(1);
  });

  it('adds no dummy for Gemini 2.5, which does not validate signatures', () => {
    const translated = translate({ model: 'gemini-2.5-flash', messages: history(weatherCall('c1', 'P')) });
    expect(translated.geminiRequest.contents[1]!.parts[0]!.thoughtSignature).toBeUndefined();
  });

  it('adds the dummy only on the first call of each step of the current turn', () => {
    const translated = translate({
      model: 'gemini-3-pro-preview',
      messages: [
        { role: 'user', content: 'old question' },
        { role: 'assistant', tool_calls: [weatherCall('o1', 'A')] },
        { role: 'tool', tool_call_id: 'o1', content: 'x' },
        { role: 'user', content: 'new question' },
        { role: 'assistant', tool_calls: [weatherCall('s1', 'B'), weatherCall('s2', 'C')] },
        { role: 'tool', tool_call_id: 's1', content: 'x' },
        { role: 'tool', tool_call_id: 's2', content: 'y' },
        { role: 'assistant', tool_calls: [weatherCall('t1', 'D')] },
        { role: 'tool', tool_call_id: 't1', content: 'z' },
      ],
    });
    const signatures = translated.geminiRequest.contents
      .filter((content) => content.role === 'model')
      .map((content) => content.parts.map((part) => part.thoughtSignature ?? null));
    expect(signatures).toEqual([[null], [DUMMY_THOUGHT_SIGNATURE, null], [DUMMY_THOUGHT_SIGNATURE]]);
    expect(translated.dummySignatures).toBe(2);
  });

  it("puts a message-level (text answer) signature back on the assistant's last text part", () => {
    const translated = translate({
      model: 'gemini-3-flash-preview',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'Hello!', extra_content: { google: { thought_signature: 'dGV4dA==' } } },
        { role: 'user', content: 'again' },
      ],
    });
    expect(translated.geminiRequest.contents[1]).toEqual({ role: 'model', parts: [{ text: 'Hello!', thoughtSignature: 'dGV4dA==' }] });
  });
});
