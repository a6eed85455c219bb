import fc from 'fast-check';
import { parseOutcome } from '../../helpers/parse-outcome';
import { parseRequestBody } from '@sidecar/translate/parse-with-param';
import { plainResponsesRequest } from '@sidecar/translate/responses/openai-responses-fast-path';
import { openAIResponsesRequestSchema } from '@sidecar/translate/responses/openai-responses-schema';

/** Mostly valid values for each field, with a share of wrong types and bounds when `wild`. */
function responsesBody(wild: boolean): fc.Arbitrary<Record<string, unknown>> {
  const odd = wild ? [fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.constant([]), fc.constant({})] : [];
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof(arbitrary, fc.constant(null), ...odd);
  const part = fc.oneof(fc.record({ type: fc.constantFrom('input_text', 'output_text'), text: fc.string() }), fc.record({ type: fc.constant('input_image'), image_url: fc.webUrl() }));
  const item = fc.oneof(
    fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'developer'), content: fc.oneof(fc.string(), fc.array(part, { maxLength: 3 })) }, { requiredKeys: ['role'] }),
    fc.record({ type: fc.constantFrom('message', 'function_call', 'function_call_output', 'reasoning'), role: fc.constantFrom('user', 'assistant'), call_id: fc.string(), output: fc.string() }, { requiredKeys: ['type'] }),
    ...(wild ? [fc.record({ type: fc.oneof(fc.constant(null), fc.integer()), role: fc.constant(null) }), fc.constant('text')] : []),
  );
  const input = fc.oneof(fc.string(), fc.array(item, { maxLength: 4 }), ...odd);
  const tool = fc.oneof(fc.record({ type: fc.constant('function'), name: fc.string(), parameters: fc.constant({ type: 'object' }) }), ...(wild ? [fc.record({ name: fc.string() })] : []));
  return fc.record(
    {
      model: fc.oneof(fc.constantFrom('gemini-2.5-flash', 'm'), ...(wild ? [fc.constant(''), fc.integer()] : [])),
      input,
      instructions: maybe(fc.oneof(fc.string(), fc.array(item, { maxLength: 2 }))),
      tools: maybe(fc.array(tool, { maxLength: 3 })),
      tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required'), fc.constant({ type: 'function', name: 'f' })),
      parallel_tool_calls: maybe(fc.boolean()),
      text: maybe(fc.record({ format: maybe(fc.record({ type: fc.constantFrom('text', 'json_schema'), name: fc.string() }, { requiredKeys: wild ? [] : ['type'] })), verbosity: maybe(fc.constantFrom('low', 'high')) }, { requiredKeys: [] })),
      reasoning: maybe(fc.record({ effort: maybe(fc.constantFrom('low', 'medium', 'high')), summary: maybe(fc.constantFrom('auto', 'detailed')) }, { requiredKeys: [] })),
      max_output_tokens: maybe(fc.oneof(fc.integer({ min: 1, max: 100_000 }), ...(wild ? [fc.constant(0), fc.double()] : []))),
      temperature: maybe(fc.double({ min: wild ? -1 : 0, max: wild ? 3 : 2, noNaN: !wild })),
      top_p: maybe(fc.double({ min: 0, max: wild ? 2 : 1, noNaN: true })),
      top_logprobs: maybe(fc.integer({ min: wild ? -1 : 0, max: wild ? 25 : 20 })),
      metadata: maybe(fc.dictionary(fc.string(), wild ? fc.oneof(fc.string(), fc.integer()) : fc.string(), { maxKeys: 3 })),
      include: maybe(fc.array(fc.oneof(fc.constant('reasoning.encrypted_content'), ...(wild ? [fc.integer()] : [])), { maxLength: 2 })),
      store: maybe(fc.boolean()),
      previous_response_id: maybe(fc.oneof(fc.constant('resp_1'), ...(wild ? [fc.constant('')] : []))),
      stream: maybe(fc.boolean()),
      stream_options: maybe(fc.record({ include_obfuscation: maybe(fc.boolean()) }, { requiredKeys: [] })),
      background: maybe(fc.boolean()),
      truncation: maybe(fc.constantFrom('auto', 'disabled', ...(wild ? ['middle'] : []))),
      service_tier: maybe(fc.constantFrom('auto', 'default')),
      max_tool_calls: maybe(fc.integer({ min: -5, max: 50 })),
      user: fc.string(),
      prompt_cache_key: fc.string(),
      other_field: fc.integer(),
    },
    { requiredKeys: ['model'] },
  );
}

describe('plainResponsesRequest', () => {
  it.each([false, true])('leaves every outcome as zod alone gave it, result or 400 (2,000 arbitrary bodies, wild %s)', (wild) => {
    let fast = 0;
    fc.assert(
      fc.property(responsesBody(wild), (value) => {
        // Through JSON text, as every body reaches the sidecar.
        const body = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        if (plainResponsesRequest(body)) fast++;
        expect(parseOutcome(() => parseRequestBody(openAIResponsesRequestSchema, body, plainResponsesRequest))).toStrictEqual(
          parseOutcome(() => parseRequestBody(openAIResponsesRequestSchema, body)),
        );
      }),
      { numRuns: 2_000 },
    );
    // Not a vacuous property: tidy bodies often take the fast path, and wild ones often do not.
    if (!wild) expect(fast).toBeGreaterThan(200);
    else expect(fast).toBeLessThan(1_900);
  });

  it('takes the bodies the stock SDKs and agent frameworks send', () => {
    const bodies = [
      { model: 'gemini-2.5-flash', instructions: 'Be brief.', input: 'Hi' },
      { model: 'gemini-2.5-flash', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }], stream: true, store: false, include: ['reasoning.encrypted_content'] },
      {
        model: 'm',
        input: [{ type: 'message', role: 'user', content: 'x' }, { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output: '1' }],
        tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }],
        tool_choice: 'auto',
        parallel_tool_calls: true,
        text: { format: { type: 'json_schema', name: 'x', schema: {} }, verbosity: 'low' },
        reasoning: { effort: 'low', summary: 'auto' },
        max_output_tokens: 100,
        metadata: { a: 'b' },
        truncation: 'disabled',
        previous_response_id: 'resp_1',
      },
    ];
    for (const body of bodies) {
      const plain = plainResponsesRequest(body);
      expect(plain).toBeDefined();
      expect(plain).toStrictEqual(openAIResponsesRequestSchema.parse(body));
    }
  });

  const base = { model: 'm', input: 'x' };
  it.each([
    ['an empty model', { ...base, model: '' }],
    ['a null input', { ...base, input: null }],
    ['an item with a null type', { ...base, input: [{ type: null, role: 'user' }] }],
    ['an item that is a string', { ...base, input: ['x'] }],
    ['a tool without type', { ...base, tools: [{ name: 'f' }] }],
    ['a text format without type', { ...base, text: { format: {} } }],
    ['a numeric metadata value', { ...base, metadata: { a: 1 } }],
    ['a max_output_tokens of 0', { ...base, max_output_tokens: 0 }],
    ['an unknown truncation', { ...base, truncation: 'middle' }],
    ['an empty previous_response_id', { ...base, previous_response_id: '' }],
    ['an own __proto__ key', JSON.parse('{"model":"m","input":[{"role":"user","__proto__":{"x":1}}]}') as Record<string, unknown>],
  ])('leaves %s to zod', (_name, body) => {
    expect(plainResponsesRequest(body as Record<string, unknown>)).toBeUndefined();
  });
});
