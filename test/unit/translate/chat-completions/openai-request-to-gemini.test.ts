import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import type { GeminiContent, GeminiGenerateContentRequest } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { openaiRequestToGemini, type TranslatedChatRequest } from '@sidecar/translate/chat-completions/openai-request-to-gemini';
import { parseOpenAIChatRequest } from '@sidecar/translate/chat-completions/parse-openai-chat-request';
import { openaiModelToGemini } from '@sidecar/translate/model-name';

/** Parses and translates a body the way the route does. */
function translate(body: Record<string, unknown>): TranslatedChatRequest {
  return openaiRequestToGemini(parseOpenAIChatRequest(body).request);
}

/** The error a call throws; fails the test when it does not throw. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const MODEL = 'gemini-2.5-flash';
const hi = [{ role: 'user', content: 'hi' }];
const userHi: GeminiContent = { role: 'user', parts: [{ text: 'hi' }] };

describe('openaiModelToGemini', () => {
  const cases = [
    { name: 'keeps a bare Gemini model id', model: 'gemini-2.5-flash', expected: 'gemini-2.5-flash' },
    { name: 'strips the "models/" prefix', model: 'models/gemini-2.5-flash', expected: 'gemini-2.5-flash' },
    { name: 'strips the "google/" prefix', model: 'google/gemini-2.5-pro', expected: 'gemini-2.5-pro' },
    { name: 'strips stacked prefixes', model: 'google/models/gemini-3-pro-preview', expected: 'gemini-3-pro-preview' },
    { name: 'trims surrounding whitespace', model: ' gemini-2.5-flash ', expected: 'gemini-2.5-flash' },
  ];
  it.each(cases)('$name', ({ model, expected }) => {
    expect(openaiModelToGemini(model)).toBe(expected);
  });

  const invalid = [
    { name: 'rejects a path traversal "../x"', model: '../x' },
    { name: 'rejects a nested path "a/b"', model: 'a/b' },
    { name: 'rejects a query "gemini?x"', model: 'gemini?x' },
    { name: 'rejects a fragment "gemini#x"', model: 'gemini#x' },
    { name: 'rejects a method suffix "gemini:generateContent"', model: 'gemini:generateContent' },
    { name: 'rejects ".." inside a name', model: 'gemini..x' },
    { name: 'rejects a prefix with nothing after it', model: 'models/' },
  ];
  it.each(invalid)('$name with 400 param "model"', ({ model }) => {
    const error = thrownBy(() => openaiModelToGemini(model));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'model' });
  });

  it('sends the stripped model id upstream', () => {
    expect(translate({ model: 'models/gemini-2.5-flash', messages: hi }).model).toBe('gemini-2.5-flash');
  });
});

describe('openaiRequestToGemini messages', () => {
  const cases: Array<{ name: string; messages: unknown[]; expectedGeminiRequest: GeminiGenerateContentRequest }> = [
    {
      name: 'maps user and assistant to user and model turns',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'bye' },
      ],
      expectedGeminiRequest: {
        contents: [userHi, { role: 'model', parts: [{ text: 'hello' }] }, { role: 'user', parts: [{ text: 'bye' }] }],
      },
    },
    {
      name: 'hoists system and developer messages from anywhere, in order, into systemInstruction',
      messages: [
        { role: 'system', content: 'one' },
        { role: 'user', content: 'hi' },
        { role: 'developer', content: 'two' },
        { role: 'assistant', content: 'hello' },
        { role: 'system', content: [{ type: 'text', text: 'three' }] },
      ],
      expectedGeminiRequest: {
        systemInstruction: { parts: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] },
        contents: [userHi, { role: 'model', parts: [{ text: 'hello' }] }],
      },
    },
    {
      name: 'turns a text-part array into one part per text',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
      expectedGeminiRequest: { contents: [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }] },
    },
    {
      name: 'merges consecutive user messages into one content',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: [{ type: 'text', text: 'b' }] },
      ],
      expectedGeminiRequest: { contents: [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }] },
    },
    {
      name: 'merges user turns that a hoisted system message separated',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'system', content: 's' },
        { role: 'user', content: 'b' },
      ],
      expectedGeminiRequest: {
        systemInstruction: { parts: [{ text: 's' }] },
        contents: [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }],
      },
    },
    {
      name: 'merges consecutive assistant messages into one model content',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'a' },
        { role: 'assistant', content: 'b' },
      ],
      expectedGeminiRequest: { contents: [userHi, { role: 'model', parts: [{ text: 'a' }, { text: 'b' }] }] },
    },
    {
      name: 'drops empty strings, empty text parts and null assistant content without empty parts or contents',
      messages: [
        { role: 'system', content: '' },
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'hi' }] },
        { role: 'assistant', content: null },
        { role: 'assistant', content: '' },
        { role: 'user', content: '' },
        { role: 'user', content: [] },
      ],
      expectedGeminiRequest: { contents: [userHi] },
    },
    {
      name: 'keeps contents non-empty for a system-only conversation',
      messages: [{ role: 'system', content: 'be brief' }],
      expectedGeminiRequest: {
        systemInstruction: { parts: [{ text: 'be brief' }] },
        contents: [{ role: 'user', parts: [{ text: '.' }] }],
      },
    },
  ];
  it.each(cases)('$name', ({ messages, expectedGeminiRequest }) => {
    const { geminiRequest } = translate({ model: MODEL, messages });
    expect(geminiRequest).toEqual(expectedGeminiRequest);
    for (const content of geminiRequest.contents) {
      expect(content.parts.length).toBeGreaterThan(0);
      for (const part of content.parts) expect(part.text).not.toBe('');
    }
  });

  it('does not let a system-only translation leak into the next request', () => {
    const first = translate({ model: MODEL, messages: [{ role: 'system', content: 's' }] });
    first.geminiRequest.contents[0]?.parts.push({ text: 'mutated' });
    const second = translate({ model: MODEL, messages: [{ role: 'system', content: 's' }] });
    expect(second.geminiRequest.contents).toEqual([{ role: 'user', parts: [{ text: '.' }] }]);
  });
});

describe('openaiRequestToGemini generationConfig', () => {
  const cases = [
    { name: 'omits generationConfig when no parameter is set', params: {}, expected: undefined },
    { name: 'keeps temperature 0', params: { temperature: 0 }, expected: { temperature: 0 } },
    { name: 'maps top_p to topP', params: { top_p: 0.5 }, expected: { topP: 0.5 } },
    { name: 'maps max_tokens to maxOutputTokens', params: { max_tokens: 100 }, expected: { maxOutputTokens: 100 } },
    {
      name: 'prefers max_completion_tokens over max_tokens',
      params: { max_tokens: 100, max_completion_tokens: 50 },
      expected: { maxOutputTokens: 50 },
    },
    { name: 'wraps a stop string in an array', params: { stop: 'END' }, expected: { stopSequences: ['END'] } },
    { name: 'passes a stop array through', params: { stop: ['a', 'b'] }, expected: { stopSequences: ['a', 'b'] } },
    { name: 'maps n to candidateCount', params: { n: 2 }, expected: { candidateCount: 2 } },
    { name: 'passes seed through, including 0', params: { seed: 0 }, expected: { seed: 0 } },
    {
      name: 'maps presence and frequency penalties, including 0',
      params: { presence_penalty: 0, frequency_penalty: -1.5 },
      expected: { presencePenalty: 0, frequencyPenalty: -1.5 },
    },
    {
      name: 'maps response_format json_object to responseMimeType',
      params: { response_format: { type: 'json_object' } },
      expected: { responseMimeType: 'application/json' },
    },
    { name: 'accepts response_format text without config', params: { response_format: { type: 'text' } }, expected: undefined },
    { name: 'accepts logprobs false', params: { logprobs: false }, expected: undefined },
    {
      name: 'combines every parameter',
      params: { temperature: 0.2, top_p: 1, max_completion_tokens: 8, stop: ['x'], n: 1, seed: 7 },
      expected: { temperature: 0.2, topP: 1, maxOutputTokens: 8, stopSequences: ['x'], candidateCount: 1, seed: 7 },
    },
  ];
  it.each(cases)('$name', ({ params, expected }) => {
    expect(translate({ model: MODEL, messages: hi, ...params }).geminiRequest).toEqual({
      contents: [userHi],
      ...(expected ? { generationConfig: expected } : {}),
    });
  });
});

describe('openaiRequestToGemini warnings', () => {
  const cases = [
    { name: 'warns about user', params: { user: 'u-1' }, expected: ['user'] },
    { name: 'warns about logit_bias', params: { logit_bias: { '50256': -100 } }, expected: ['logit_bias'] },
    { name: 'warns about metadata and store', params: { metadata: { a: 'b' }, store: false }, expected: ['metadata', 'store'] },
    {
      name: 'warns about an unknown service_tier, parallel_tool_calls and prompt_cache_key',
      params: { service_tier: 'scale', parallel_tool_calls: true, prompt_cache_key: 'k' },
      expected: ['prompt_cache_key', 'parallel_tool_calls', 'service_tier'],
    },
    { name: 'warns about top_logprobs', params: { top_logprobs: 2 }, expected: ['top_logprobs'] },
    {
      name: 'warns about a message name',
      params: { messages: [{ role: 'user', content: 'hi', name: 'bob' }] },
      expected: ['messages[0].name'],
    },
    { name: 'has no warnings for a plain request', params: {}, expected: [] },
  ];
  it.each(cases)('$name and does not send it', ({ params, expected }) => {
    const translated = translate({ model: MODEL, messages: hi, ...params });
    expect(translated.warnings).toEqual(expected);
    expect(translated.geminiRequest).toEqual({ contents: [userHi] });
  });
});

describe('openaiRequestToGemini errors', () => {
  const cases = [
    { name: 'rejects a missing model', body: { messages: hi }, expectedError: { status: 400, param: 'model' } },
    { name: 'rejects missing messages', body: { model: MODEL }, expectedError: { status: 400, param: 'messages' } },
    { name: 'rejects an empty messages list', body: { model: MODEL, messages: [] }, expectedError: { status: 400, param: 'messages' } },
    {
      name: 'rejects an unknown role',
      body: { model: MODEL, messages: [{ role: 'robot', content: 'hi' }] },
      expectedError: { status: 400, param: 'messages[0].role' },
    },
    {
      name: 'rejects temperature as a string',
      body: { model: MODEL, messages: hi, temperature: '0.5' },
      expectedError: { status: 400, param: 'temperature' },
    },
    {
      name: 'rejects six stop sequences',
      body: { model: MODEL, messages: hi, stop: ['1', '2', '3', '4', '5', '6'] },
      expectedError: { status: 400, param: 'stop' },
    },
    {
      name: 'rejects an invalid model name',
      body: { model: '../x', messages: hi },
      expectedError: { status: 400, param: 'model' },
    },
    {
      name: 'rejects a tool result whose call is unknown',
      body: { model: MODEL, messages: [{ role: 'tool', content: '42', tool_call_id: 'call_1' }] },
      expectedError: { status: 400, param: 'messages[0].tool_call_id' },
    },
    {
      name: 'rejects an image_url with a file: URL',
      body: {
        model: MODEL,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }],
      },
      expectedError: { status: 400, param: 'messages[0].content[1].image_url.url' },
    },
    {
      name: 'rejects an unknown content part type',
      body: { model: MODEL, messages: [{ role: 'user', content: [{ type: 'hologram' }] }] },
      expectedError: { status: 400, param: 'messages[0].content[0].type' },
    },
    {
      name: 'rejects an unknown response_format type',
      body: { model: MODEL, messages: hi, response_format: { type: 'xml' } },
      expectedError: { status: 400, param: 'response_format.type' },
    },
    { name: 'rejects audio output', body: { model: MODEL, messages: hi, audio: { voice: 'alloy' } }, expectedError: { status: 400, param: 'audio' } },
    {
      name: 'rejects invalid tool-call arguments in history',
      body: {
        model: MODEL,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{bad' } }] },
        ],
      },
      expectedError: { status: 400, param: 'messages[1].tool_calls[0].function.arguments' },
    },
  ];
  it.each(cases)('$name with param from the table', ({ body, expectedError }) => {
    const error = thrownBy(() => translate(body));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ ...expectedError, type: 'invalid_request_error' });
  });

  it('says which required parameter is missing', () => {
    expect(thrownBy(() => translate({ messages: hi }))).toMatchObject({
      message: "Missing required parameter: 'model'.",
      code: 'missing_required_parameter',
    });
  });

  it('rejects a body that is not a JSON object', () => {
    expect(thrownBy(() => parseOpenAIChatRequest([]))).toMatchObject({ status: 400, param: null });
  });
});

describe('parseOpenAIChatRequest', () => {
  it('returns unknown top-level keys in unknownKeys and leaves them out of the request', () => {
    const parsed = parseOpenAIChatRequest({ model: MODEL, messages: hi, foo: 1, top_k: 3, temperature: 0 });
    expect(parsed.unknownKeys).toEqual(['foo', 'top_k']);
    expect(parsed.request).not.toHaveProperty('foo');
    expect(parsed.request.temperature).toBe(0);
  });

  it('returns an empty unknownKeys for a known-only body', () => {
    expect(parseOpenAIChatRequest({ model: MODEL, messages: hi }).unknownKeys).toEqual([]);
  });
});

describe('openaiRequestToGemini stream flags', () => {
  const cases = [
    { name: 'is unary without stream', params: {}, stream: false, includeUsage: false },
    { name: 'streams without usage by default', params: { stream: true }, stream: true, includeUsage: false },
    {
      name: 'includes usage when stream and include_usage are set',
      params: { stream: true, stream_options: { include_usage: true } },
      stream: true,
      includeUsage: true,
    },
    {
      name: 'ignores include_usage when stream is false',
      params: { stream: false, stream_options: { include_usage: true } },
      stream: false,
      includeUsage: false,
    },
  ];
  it.each(cases)('$name', ({ params, stream, includeUsage }) => {
    expect(translate({ model: MODEL, messages: hi, ...params })).toMatchObject({ stream, includeUsage });
  });
});
