import { InvalidRequestError } from '@sidecar/errors/sidecar-error';
import type { GeminiGenerateContentResponse } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { geminiResponseToResponses } from '@sidecar/translate/responses/gemini-response-to-responses';
import type { OpenAIResponsesRequest, ResponsesInputItem } from '@sidecar/translate/responses/openai-responses-schema';
import { echoSettings } from '@sidecar/translate/responses/response-object';
import { responsesInputToMessages } from '@sidecar/translate/responses/responses-input-to-messages';
import { charIndex, ItemIds } from '@sidecar/translate/responses/responses-output';
import { responsesRequestToGemini } from '@sidecar/translate/responses/responses-request-to-gemini';
import { ResponsesStreamTranslator, type ResponsesEvent } from '@sidecar/translate/responses/responses-stream-translator';
import { decodeSignatures, encodeSignatures } from '@sidecar/translate/responses/signature-carrier';

const OPTIONS = { remoteUrls: 'pass-through' as const };

function request(fields: Partial<OpenAIResponsesRequest>): OpenAIResponsesRequest {
  return { model: 'gemini-3-flash-preview', ...fields } as OpenAIResponsesRequest;
}

function thrown(work: () => unknown): InvalidRequestError {
  try {
    work();
  } catch (error) {
    return error as InvalidRequestError;
  }
  throw new Error('expected a throw');
}

describe('signature carrier', () => {
  it('round-trips text and per-call signatures, and ignores contents it did not write', () => {
    const encoded = encodeSignatures({ text: 'c2lnLXRleHQ=', calls: { call_1: 'c2lnLWNhbGw=' } });
    expect(decodeSignatures(encoded)).toEqual({ text: 'c2lnLXRleHQ=', calls: { call_1: 'c2lnLWNhbGw=' } });
    expect(encodeSignatures({ calls: {} })).toBeUndefined();
    expect(decodeSignatures('gAAAAABopenai-encrypted')).toBeUndefined();
    expect(decodeSignatures('gemini-thought-signatures.v1:!!!')).toBeUndefined();
  });
});

describe('Responses input → chat messages', () => {
  it('puts parallel calls in one assistant turn, outputs as tool messages, and signatures back by call_id wherever the carrier sits', () => {
    const carrier = encodeSignatures({ calls: { call_a: 'sig-a' } });
    const items: ResponsesInputItem[] = [
      { role: 'user', content: 'both cities' },
      { type: 'function_call', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call', call_id: 'call_b', name: 'weather', arguments: '{"city":"Rome"}' },
      { type: 'reasoning', summary: [], encrypted_content: carrier },
      { type: 'function_call_output', call_id: 'call_a', output: '21' },
      { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: '25' }] },
    ];
    const { messages, sources } = responsesInputToMessages(items);

    expect(messages).toEqual([
      { role: 'user', content: 'both cities' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'sig-a' } } },
          { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '21' },
      { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '25' }] },
    ]);
    expect(sources).toEqual(['input[0]', 'input[1]', 'input[4]', 'input[5]']);
  });

  it('gives an assistant text answer its text signature, and maps every content part type', () => {
    const { messages } = responsesInputToMessages([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: 'data:image/png;base64,aGk=', detail: 'original' }, { type: 'input_file', file_id: 'files/abc' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A cat.', annotations: [] }], id: 'msg_1', status: 'completed' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'looked' }], encrypted_content: encodeSignatures({ text: 'sig-text' }) },
    ]);

    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,aGk=', detail: 'high' } }, { type: 'file', file: { file_id: 'files/abc' } }] },
      { role: 'assistant', content: 'A cat.', extra_content: { google: { thought_signature: 'sig-text' } } },
    ]);
  });

  it('skips hosted search history with a warning and refuses item types it cannot send', () => {
    expect(responsesInputToMessages([{ type: 'web_search_call', id: 'ws_1', status: 'completed' }, { role: 'user', content: 'x' }]).warnings).toEqual(['input[0].type']);
    expect(thrown(() => responsesInputToMessages([{ type: 'computer_call', call_id: 'c' }])).param).toBe('input[0].type');
    expect(thrown(() => responsesInputToMessages([{ role: 'tool', content: 'x' }])).param).toBe('input[0].role');
    expect(thrown(() => responsesInputToMessages([{ role: 'user', content: [{ type: 'input_video' }] }])).param).toBe('input[0].content[0].type');
  });
});

describe('Responses request → Gemini', () => {
  it('names errors by the Responses path the client sent, not the chat path', () => {
    const badSchema = request({ input: 'x', text: { format: { type: 'json_schema', name: 'x', schema: 'not an object' } } });
    expect(thrown(() => responsesRequestToGemini(badSchema, [], OPTIONS)).param).toMatch(/^text\.format/);
    const badEffort = request({ input: 'x', reasoning: { effort: 'maximum' } });
    expect(thrown(() => responsesRequestToGemini(badEffort, [], OPTIONS)).param).toBe('reasoning.effort');
    const badTool = request({ input: 'x', tools: [{ type: 'function', name: 'bad name!' }] });
    expect(thrown(() => responsesRequestToGemini(badTool, [], OPTIONS)).param).toMatch(/^tools\[0\]/);
  });

  it('sends code_interpreter as codeExecution and search as googleSearch without a toolConfig', () => {
    const { geminiRequest } = responsesRequestToGemini(request({ input: 'x', tools: [{ type: 'web_search_preview' }, { type: 'code_interpreter' }] }), [], OPTIONS);
    expect(geminiRequest.tools).toEqual([{ googleSearch: {} }, { codeExecution: {} }]);
    expect(geminiRequest.toolConfig).toBeUndefined();
  });

  it('puts the stored history before the new input, and reports what it drops', () => {
    const history: ResponsesInputItem[] = [{ role: 'user', content: 'first' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'one' }] }];
    const translated = responsesRequestToGemini(request({ input: 'second', text: { verbosity: 'low' }, prompt_cache_key: 'k' }), history, OPTIONS);
    expect(translated.geminiRequest.contents.map((content) => content.parts[0]?.text)).toEqual(['first', 'one', 'second']);
    expect(translated.input).toHaveLength(3);
    expect(translated.warnings).toEqual(expect.arrayContaining(['verbosity', 'prompt_cache_key']));
  });

  it('echoes the request settings with OpenAI defaults', () => {
    const settings = echoSettings(request({ input: 'x', metadata: { team: 'a' } }), { id: 'resp_1', createdAt: 1, model: 'gemini-3-flash-preview', stored: false });
    expect(settings).toMatchObject({ temperature: 1, top_p: 1, tool_choice: 'auto', parallel_tool_calls: true, tools: [], store: false, metadata: { team: 'a' }, text: { format: { type: 'text' } }, truncation: 'disabled' });
  });
});

describe('Gemini → Responses output', () => {
  it('orders summary, message, calls, then the signature carrier', () => {
    const answer = geminiResponseToResponses(
      {
        candidates: [
          {
            content: {
              parts: [
                { text: 'hmm', thought: true },
                { text: 'Checking.' },
                { functionCall: { name: 'weather', args: { city: 'Paris' }, id: 'abc123' }, thoughtSignature: 'sig-1' },
              ],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 3, totalTokenCount: 18 },
      },
      new ItemIds('resp_ab'),
    );

    expect(answer.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'reasoning']);
    expect(answer.output[2]).toMatchObject({ call_id: 'abc123', arguments: '{"city":"Paris"}' });
    expect(decodeSignatures((answer.output[3] as { encrypted_content: string }).encrypted_content)).toEqual({ calls: { abc123: 'sig-1' } });
    expect(answer.usage).toEqual({ input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 18 });
    expect(new Set(answer.output.map((item) => item.id)).size).toBe(4);
  });

  it('answers a blocked prompt as incomplete/content_filter with a refusal, never an empty completed output', () => {
    const answer = geminiResponseToResponses({ promptFeedback: { blockReason: 'SAFETY' } }, new ItemIds('resp_x'));
    expect(answer).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    expect(answer.output).toEqual([expect.objectContaining({ type: 'message', content: [{ type: 'refusal', refusal: 'Gemini blocked the prompt (SAFETY).' }] })]);
  });

  it('converts UTF-8 byte offsets to character offsets', () => {
    expect(charIndex('héllo wörld', 7)).toBe(6);
    expect(charIndex('a😀b', 5)).toBe(3);
    expect(charIndex('abc', 99)).toBe(3);
  });
});

describe('the Responses stream translator', () => {
  const settings = { model: 'gemini-3-flash-preview' };
  const context = { id: 'resp_s', createdAt: 1, model: 'gemini-3-flash-preview', stored: false };

  function run(chunks: GeminiGenerateContentResponse[]): ResponsesEvent[] {
    const translator = new ResponsesStreamTranslator(settings, context, new ItemIds('resp_s'));
    const events = [...translator.start(), ...chunks.flatMap((chunk) => translator.push(chunk))];
    const finish = translator.finish(2);
    return finish.complete ? [...events, ...finish.events] : events;
  }

  it('streams thoughts, text and a call as items in order, with the signature carrier last and one terminal event', () => {
    const events = run([
      { candidates: [{ content: { parts: [{ text: 'plan', thought: true }] } }] },
      { candidates: [{ content: { parts: [{ text: 'Hi ' }] } }] },
      { candidates: [{ content: { parts: [{ text: 'there' }] } }] },
      { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {}, id: 'c1' }, thoughtSignature: 'sig' }] } }] },
      { candidates: [{ content: { parts: [{ text: '' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, totalTokenCount: 9 } },
    ]);
    const types = events.map((event) => event.type);

    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((type) => /^response\.(completed|incomplete|failed)$/.test(type))).toHaveLength(1);
    const added = events.filter((event) => event.type === 'response.output_item.added').map((event) => [event.output_index, (event.item as { type: string }).type]);
    expect(added).toEqual([
      [0, 'reasoning'],
      [1, 'message'],
      [2, 'function_call'],
      [3, 'reasoning'],
    ]);
    const final = events.at(-1)!.response as { output: Array<{ type: string; content?: Array<{ text: string }> }>; usage: { input_tokens: number } };
    expect(final.output[1]?.content?.[0]?.text).toBe('Hi there');
    expect(final.usage.input_tokens).toBe(3);
    // Every item is done before the terminal event, in index order of its adding.
    expect(events.filter((event) => event.type === 'response.output_item.done').map((event) => event.output_index)).toEqual([0, 1, 2, 3]);
  });

  it('does not complete a stream that ended without a finish reason', () => {
    const events = run([{ candidates: [{ content: { parts: [{ text: 'cut' }] } }] }]);
    expect(events.map((event) => event.type)).not.toContain('response.completed');
  });

  it('fails with an error event then response.failed', () => {
    const translator = new ResponsesStreamTranslator(settings, context, new ItemIds('resp_s'));
    translator.start();
    const events = translator.fail({ type: 'server_error', code: 'upstream_stream_truncated', message: 'cut', param: null });
    expect(events.map((event) => event.type)).toEqual(['error', 'response.failed']);
    expect(events[1]!.response).toMatchObject({ status: 'failed', error: { code: 'upstream_stream_truncated', message: 'cut' } });
  });
});
