import { encodeLineKey } from '@sidecar/translate/batch/batch-line-key';
import { GeminiBatchOutputTranslator, type BatchOutputContext } from '@sidecar/translate/batch/gemini-batch-output-to-openai';
import { geminiResponseToOpenAI } from '@sidecar/translate/chat-completions/gemini-response-to-openai';
import { geminiGenerateContentResponseSchema } from '@sidecar/translate/chat-completions/gemini-generate-schema';

const GEMINI_RESPONSE = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'Hi there' }] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'abc123',
};

function context(endpoint: BatchOutputContext['facts']['endpoint'] = '/v1/chat/completions'): BatchOutputContext {
  return {
    facts: { endpoint, model: 'caller-model', geminiModel: 'gemini-2.5-flash', lines: 1, invalid: 0, requests: 1 },
    batchKey: 'k1',
    created: 1_760_000_000,
    renderError: (error) => ({ status: error.code ?? 500, body: { error: { message: error.message ?? '', type: 'invalid_request_error', param: null, code: error.status ?? null } } }),
  };
}

describe('Gemini batch results → OpenAI output lines', () => {
  it('answers a chat line with exactly the body the live endpoint builds from the same Gemini response', () => {
    const [out] = new GeminiBatchOutputTranslator(context()).push(JSON.stringify({ key: encodeLineKey({ id: 'r1' }), response: GEMINI_RESPONSE }));
    const live = geminiResponseToOpenAI(geminiGenerateContentResponseSchema.parse(GEMINI_RESPONSE), { model: 'caller-model', created: 1_760_000_000, fallbackId: 'unused' }).completion;
    expect(out).toEqual({ file: 'output', line: { id: expect.stringMatching(/^batch_req_/), custom_id: 'r1', response: { status_code: 200, request_id: 'abc123', body: live }, error: null } });
  });

  it('renders a Gemini line error with the one error table, into the error file', () => {
    const [out] = new GeminiBatchOutputTranslator(context()).push(JSON.stringify({ key: encodeLineKey({ id: 'r2' }), error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } }));
    expect(out).toMatchObject({ file: 'error', line: { custom_id: 'r2', error: null, response: { status_code: 400, body: { error: { message: 'bad', code: 'INVALID_ARGUMENT' } } } } });
  });

  it('reports the refusal a placeholder line carries, whatever Gemini answered for it', () => {
    const err = { status: 400, type: 'invalid_request_error', code: 'invalid_value', param: 'messages', message: 'nope' };
    const [out] = new GeminiBatchOutputTranslator(context()).push(JSON.stringify({ key: encodeLineKey({ id: 'bad', err }), response: GEMINI_RESPONSE }));
    expect(out).toMatchObject({ file: 'error', line: { custom_id: 'bad', response: { status_code: 400, body: { error: { message: 'nope', param: 'messages', code: 'invalid_value', type: 'invalid_request_error' } } } } });
  });

  it('reassembles an embeddings line from its inputs, in index order, with the estimated usage', () => {
    const translator = new GeminiBatchOutputTranslator(context('/v1/embeddings'));
    const part = (index: number, values: number[]) => JSON.stringify({ key: encodeLineKey({ id: 'e', i: index, n: 2, f: 'float', t: 3 }), response: { embedding: { values } } });
    expect(translator.push(part(1, [0.5, 0.25]))).toEqual([]);
    const [out] = translator.push(part(0, [1, 0]));
    expect(out!.line.response!.body).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [1, 0] }, { object: 'embedding', index: 1, embedding: [0.5, 0.25] }],
      model: 'caller-model',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
  });

  it('fails an embeddings line when one input failed, or when its inputs never all came back', () => {
    const translator = new GeminiBatchOutputTranslator(context('/v1/embeddings'));
    translator.push(JSON.stringify({ key: encodeLineKey({ id: 'x', i: 0, n: 2 }), error: { code: 400, message: 'too long', status: 'INVALID_ARGUMENT' } }));
    expect(translator.push(JSON.stringify({ key: encodeLineKey({ id: 'x', i: 1, n: 2 }), response: { embedding: { values: [1] } } }))).toMatchObject([{ file: 'error', line: { custom_id: 'x', response: { status_code: 400 } } }]);
    translator.push(JSON.stringify({ key: encodeLineKey({ id: 'y', i: 0, n: 2 }), response: { embedding: { values: [1] } } }));
    expect(translator.finish()).toMatchObject([{ file: 'error', line: { custom_id: 'y', response: { status_code: 502, body: { error: { code: 'upstream_incomplete' } } } } }]);
  });

  it('counts the lines it cannot attribute (not JSON, or a key the sidecar did not write) for the route to report', () => {
    const translator = new GeminiBatchOutputTranslator(context());
    expect(translator.push('not json')).toEqual([]);
    expect(translator.push(JSON.stringify({ key: 'foreign', response: GEMINI_RESPONSE }))).toEqual([]);
    expect(translator.unattributed).toBe(2);
  });
});
