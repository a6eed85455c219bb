import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { BASE64, generate, partsOf, stream, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer' }, celsius: { type: 'boolean' }, extra: { type: 'object' } },
  required: ['city', 'days', 'celsius', 'extra'],
};
const weather = { name: 'get_weather', description: 'Weather', parametersJsonSchema: weatherSchema };
const time = { name: 'get_time', parameters: { type: 'OBJECT', properties: { zone: { type: 'STRING' }, offset: { type: 'NUMBER' } }, required: ['zone', 'offset'] } };
const ping = { name: 'ping' };
const tools = [{ functionDeclarations: [weather, time, ping] }];

describe('default function calls', () => {
  it('Gemini 2.5: calls the first function with schema-built args, no id, no signature, finishMessage as recorded', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash', userBody('Weather in Paris?', { tools }));

    expect(response.status).toBe(200);
    expect(response.json.candidates).toEqual([
      {
        content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Weather in Paris?', days: 42, celsius: true, extra: {} } } }], role: 'model' },
        finishReason: 'STOP',
        index: 0,
        finishMessage: 'Model generated function call(s).',
      },
    ]);
    expect(response.json.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
  });

  it('Gemini 3: every call has an 8-character id and the first carries a fresh base64 signature', async () => {
    const first = await generate(emulator, 'gemini-3-pro-preview', userBody('Weather in Paris?', { tools }));
    const second = await generate(emulator, 'gemini-3-pro-preview', userBody('Weather in Paris?', { tools }));
    const [part] = partsOf(first.json);

    expect(part?.functionCall).toMatchObject({ name: 'get_weather', id: expect.stringMatching(/^[a-z0-9]{8}$/) });
    expect(Object.keys(part?.functionCall ?? {})).toEqual(['name', 'args', 'id']);
    expect(part?.thoughtSignature).toMatch(BASE64);
    expect(Buffer.from(part?.thoughtSignature ?? '', 'base64').length).toBeGreaterThan(100);
    expect(partsOf(second.json)[0]?.thoughtSignature).not.toBe(part?.thoughtSignature);
    expect(first.json.candidates?.[0]?.finishMessage).toBe('Model generated function call(s).');
  });

  it('reads OpenAPI `parameters` schemas (upper-case types) too', async () => {
    const body = userBody('What time is it?', { tools: [{ functionDeclarations: [time] }] });
    expect(partsOf((await generate(emulator, 'gemini-2.5-flash', body)).json)[0]?.functionCall).toEqual({
      name: 'get_time',
      args: { zone: 'What time is it?', offset: 42 },
    });
  });

  it('omits args entirely for a function without a schema, like the recorded no-args call', async () => {
    const body = userBody('ping it', { tools: [{ functionDeclarations: [ping] }] });
    expect(partsOf((await generate(emulator, 'gemini-2.5-flash', body)).json)[0]?.functionCall).toEqual({ name: 'ping' });
  });

  it('honours allowedFunctionNames under mode ANY', async () => {
    const body = userBody('now', { tools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['ping'] } } });
    expect(partsOf((await generate(emulator, 'gemini-2.5-flash', body)).json)[0]?.functionCall?.name).toBe('ping');
  });

  it('answers text under mode NONE', async () => {
    const body = userBody('hi', { tools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } });
    expect(partsOf((await generate(emulator, 'gemini-2.5-flash', body)).json)).toEqual([{ text: 'Echo: hi' }]);
  });

  it('[parallel] calls the first two functions; on Gemini 3 only the first call is signed', async () => {
    const response = await generate(emulator, 'gemini-3-flash-preview', userBody('both [parallel]', { tools }));
    const parts = partsOf(response.json);

    expect(parts.map((part) => part.functionCall?.name)).toEqual(['get_weather', 'get_time']);
    expect(parts.map((part) => part.thoughtSignature !== undefined)).toEqual([true, false]);
    expect(new Set(parts.map((part) => part.functionCall?.id)).size).toBe(2);
  });

  it('answers a functionResponse turn with "Result: …" of the responses, in order', async () => {
    const contents = [
      { role: 'user', parts: [{ text: 'both [parallel]' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }, { functionCall: { name: 'get_time', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 15 } } }, { functionResponse: { name: 'get_time', response: { output: '12:00' } } }] },
    ];
    const response = await generate(emulator, 'gemini-2.5-flash', { contents, tools });

    expect(response.json.candidates?.[0]).toEqual({
      content: { parts: [{ text: 'Result: {"temp":15}; {"output":"12:00"}' }], role: 'model' },
      finishReason: 'STOP',
      index: 0,
    });
  });

  it('prefers the function call over search grounding when both are offered', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash', userBody('Weather?', { tools: [{ googleSearch: {} }, ...tools] }));
    expect(partsOf(response.json)[0]?.functionCall?.name).toBe('get_weather');
    expect(response.json.candidates?.[0]?.groundingMetadata).toBeUndefined();
  });
});

describe('streamed function calls', () => {
  it('Gemini 3: a call chunk without finishReason, then an empty-text chunk with STOP', async () => {
    const { chunks } = await stream(emulator, 'gemini-3-pro-preview', userBody('Weather?', { tools }));

    expect(chunks).toHaveLength(2);
    expect(chunks[0]?.candidates?.[0]).toEqual({
      content: { parts: [{ functionCall: { name: 'get_weather', args: expect.any(Object), id: expect.stringMatching(/^[a-z0-9]{8}$/) }, thoughtSignature: expect.stringMatching(BASE64) }], role: 'model' },
      index: 0,
    });
    expect(chunks[1]?.candidates?.[0]).toEqual({ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 });
    expect(chunks[1]?.usageMetadata).toEqual(chunks[0]?.usageMetadata);
  });

  it('Gemini 2.5: one chunk with the call and STOP', async () => {
    const { chunks } = await stream(emulator, 'gemini-2.5-flash', userBody('Weather? [parallel]', { tools }));

    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(partsOf(chunks[0] ?? {}).map((part) => part.functionCall?.name)).toEqual(['get_weather', 'get_time']);
    expect(partsOf(chunks[0] ?? {}).every((part) => part.thoughtSignature === undefined && part.functionCall?.id === undefined)).toBe(true);
  });
});
