import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { generate, partsOf, type Content } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

const GEMINI_3 = 'gemini-3-pro-preview';
const tools = [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }];

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const call = (name: string, signature?: string): Record<string, unknown> => ({
  functionCall: { name, args: { city: 'Paris' } },
  ...(signature === undefined ? {} : { thoughtSignature: signature }),
});
const model = (...parts: Array<Record<string, unknown>>): Content => ({ role: 'model', parts });
const results = (...names: string[]): Content => ({ role: 'user', parts: names.map((name) => ({ functionResponse: { name, response: { temp: 15 } } })) });

function missingSignatureMessage(name: string, position: number): string {
  return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
}

describe('Gemini 3 thought-signature enforcement', () => {
  it('rejects a current-turn function call without a signature, with Google\'s message and position', async () => {
    const response = await generate(emulator, GEMINI_3, { contents: [user('Weather in Paris?'), model(call('get_weather')), results('get_weather')], tools });

    expect(response.status).toBe(400);
    expect(response.json.error).toEqual({ code: 400, message: missingSignatureMessage('get_weather', 2), status: 'INVALID_ARGUMENT' });
  });

  it.each([
    { name: 'a real-looking signature', signature: 'EskgCsYgAb4+9vtF7/499YQS2bjZs3xc' },
    { name: 'the documented dummy', signature: 'skip_thought_signature_validator' },
    { name: 'the other documented dummy', signature: 'context_engineering_is_the_way_to_go' },
  ])('accepts $name', async ({ signature }) => {
    const response = await generate(emulator, GEMINI_3, { contents: [user('Weather?'), model(call('get_weather', signature)), results('get_weather')], tools });
    expect(response.status).toBe(200);
  });

  it('treats an empty signature as missing', async () => {
    const response = await generate(emulator, GEMINI_3, { contents: [user('Weather?'), model(call('get_weather', '')), results('get_weather')], tools });
    expect(response.status).toBe(400);
  });

  it('needs the signature only on the first of parallel calls', async () => {
    const contents = [user('Paris and Tokyo?'), model(call('get_weather', 'c2ln'), call('get_weather')), results('get_weather', 'get_weather')];
    expect((await generate(emulator, GEMINI_3, { contents, tools })).status).toBe(200);
  });

  it('checks the first functionCall part even when a thought part comes before it', async () => {
    const contents = [user('Weather?'), model({ text: 'thinking', thought: true }, call('get_weather')), results('get_weather')];
    expect((await generate(emulator, GEMINI_3, { contents, tools })).status).toBe(400);
  });

  it('checks every step of a multi-step turn: functionResponse-only user turns do not start a new turn', async () => {
    const contents = [user('Plan a trip'), model(call('get_weather', 'c2ln')), results('get_weather'), model(call('book_hotel')), results('book_hotel')];
    const response = await generate(emulator, GEMINI_3, { contents, tools });
    expect(response.status).toBe(400);
    expect(response.json.error?.message).toBe(missingSignatureMessage('book_hotel', 4));
  });

  it('does not check function calls of earlier turns', async () => {
    const contents = [user('Weather?'), model(call('get_weather')), results('get_weather'), model({ text: 'It is 15C.' }), user('Thanks!')];
    expect((await generate(emulator, GEMINI_3, { contents, tools })).status).toBe(200);
  });

  it('does not enforce signatures on Gemini 2.5', async () => {
    const contents = [user('Weather?'), model(call('get_weather')), results('get_weather')];
    expect((await generate(emulator, 'gemini-2.5-flash', { contents, tools })).status).toBe(200);
  });
});

describe('thought-signature ledger', () => {
  it('round-trips: the signature the emulator issued is accepted and recorded as issued', async () => {
    const first = await generate(emulator, GEMINI_3, { contents: [user('Weather in Paris?')], tools });
    const [callPart] = partsOf(first.json);
    expect(callPart?.thoughtSignature).toBeDefined();
    expect(emulator.thoughtSignatures.issued).toEqual([callPart?.thoughtSignature]);

    const second = await generate(emulator, GEMINI_3, {
      contents: [user('Weather in Paris?'), { role: 'model', parts: [callPart] }, results('get_weather')],
      tools,
    });

    expect(second.status).toBe(200);
    expect(emulator.thoughtSignatures.received).toEqual([
      { requestIndex: 1, contentIndex: 1, partIndex: 0, signature: callPart?.thoughtSignature, functionName: 'get_weather', issued: true },
    ]);
  });

  it('records foreign and dummy signatures as not issued, even on rejected requests; reset clears the ledger', async () => {
    await generate(emulator, GEMINI_3, {
      contents: [user('Weather?'), model(call('get_weather', 'skip_thought_signature_validator')), { role: 'user', parts: [{ functionResponse: { name: 'get_weather' } }] }],
      tools,
    });
    expect(emulator.thoughtSignatures.received).toEqual([expect.objectContaining({ signature: 'skip_thought_signature_validator', issued: false })]);
    emulator.reset();
    expect(emulator.thoughtSignatures.received).toEqual([]);
  });
});
