import { decodeLineKey } from '@sidecar/translate/batch/batch-line-key';
import { OpenAIBatchInputTranslator } from '@sidecar/translate/batch/openai-batch-input-to-gemini';
import { openaiRequestToGemini } from '@sidecar/translate/chat-completions/openai-request-to-gemini';
import { parseOpenAIChatRequest } from '@sidecar/translate/chat-completions/parse-openai-chat-request';

function translator(aliases = {}) {
  return new OpenAIBatchInputTranslator({ aliases, translateOptions: () => ({ remoteUrls: 'pass-through' }) });
}

const line = (custom_id: string, body: Record<string, unknown>, url = '/v1/chat/completions') => JSON.stringify({ custom_id, method: 'POST', url, body });

describe('OpenAI batch input → Gemini batch lines', () => {
  it('translates a chat line exactly as the live endpoint translates its body (stream dropped)', () => {
    const body = { model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Q' }], temperature: 0.5, stop: ['x'], stream: true };
    const input = translator();
    const [out] = input.push(line('r1', body), 1);
    const { stream: _stream, ...unary } = body;
    expect(out!.request).toEqual(openaiRequestToGemini(parseOpenAIChatRequest(unary).request, { remoteUrls: 'pass-through', fanOutCandidates: false }).geminiRequest);
    expect(decodeLineKey(out!.key)).toEqual({ id: 'r1' });
    expect(input.facts()).toEqual({ endpoint: '/v1/chat/completions', model: 'gemini-2.5-flash', geminiModel: 'gemini-2.5-flash', lines: 1, invalid: 0, requests: 1 });
  });

  it('resolves aliases: the caller\'s name is kept for answers, the Gemini model for the batch', () => {
    const input = translator({ 'gpt-4o': { model: 'gemini-2.5-pro' } });
    input.push(line('a', { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), 1);
    expect(input.facts()).toMatchObject({ model: 'gpt-4o', geminiModel: 'gemini-2.5-pro' });
  });

  it('turns a body the live endpoint refuses into a placeholder whose key carries that 400', () => {
    const input = translator();
    input.push(line('ok', { model: 'm', messages: [{ role: 'user', content: 'x' }] }), 1);
    const [out] = input.push(line('bad', { model: 'm', messages: [] }), 2);
    const key = decodeLineKey(out!.key)!;
    expect(key.id).toBe('bad');
    expect(key.err).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(out!.request).toEqual({ contents: [{ role: 'user', parts: [{ text: '.' }] }], generationConfig: { maxOutputTokens: 1 } });
    expect(input.facts()).toMatchObject({ lines: 2, invalid: 1, requests: 2 });
  });

  it('splits an embeddings line into one Gemini request per input, keyed by index, format and estimate', () => {
    const input = translator();
    const out = input.push(line('e', { model: 'gemini-embedding-001', input: ['ab', 'abcdefgh'], dimensions: 8 }, '/v1/embeddings'), 1);
    expect(out.map((entry) => decodeLineKey(entry.key))).toEqual([
      { id: 'e', i: 0, n: 2, f: 'float', t: 1 },
      { id: 'e', i: 1, n: 2, f: 'float', t: 2 },
    ]);
    expect(out[1]!.request).toEqual({ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'abcdefgh' }] }, outputDimensionality: 8 });
    expect(input.facts()).toMatchObject({ lines: 1, requests: 2 });
  });

  it('refuses previous_response_id in a Responses line (no conversation state in a batch) as an error line', () => {
    const input = translator();
    const [out] = input.push(line('r', { model: 'm', input: 'x', previous_response_id: 'resp_1' }, '/v1/responses'), 1);
    expect(decodeLineKey(out!.key)!.err).toMatchObject({ param: 'previous_response_id' });
  });

  it('collects dropped parameters and unknown keys across lines for the ignored-params report', () => {
    const input = translator();
    input.push(line('a', { model: 'm', messages: [{ role: 'user', content: 'x' }], user: 'u', made_up: 1 }), 1);
    input.push(JSON.stringify({ ...JSON.parse(line('b', { model: 'm', messages: [{ role: 'user', content: 'x' }] })), note: 'mine' }), 2);
    expect([...input.warnings]).toContain('user');
    expect([...input.unknownKeys]).toEqual(['made_up', 'line.note']);
  });

  it('skips blank lines and refuses a file without any request', () => {
    const input = translator();
    expect(input.push('   ', 1)).toEqual([]);
    expect(() => input.facts()).toThrow(expect.objectContaining({ status: 400, code: 'empty_batch' }));
  });
});
