import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { BASE64, generate, partsOf, stream, userBody } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

const includeThoughts = (extra: Record<string, unknown> = {}) => ({ generationConfig: { thinkingConfig: { includeThoughts: true, ...extra } } });
const tools = [{ functionDeclarations: [{ name: 'lookup' }] }];

describe('default thinking', () => {
  it('includeThoughts prepends a thought part and reports thoughtsTokenCount', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash', userBody('hello', includeThoughts()));

    expect(partsOf(response.json)).toEqual([{ text: 'Thinking about it', thought: true }, { text: 'Echo: hello' }]);
    expect(response.json.usageMetadata).toMatchObject({ thoughtsTokenCount: 7, totalTokenCount: 2 + 3 + 7 });
  });

  it('sends no thoughts without includeThoughts, or when thinkingBudget is 0', async () => {
    const plain = await generate(emulator, 'gemini-2.5-flash', userBody('hello'));
    const off = await generate(emulator, 'gemini-2.5-flash', userBody('hello', includeThoughts({ thinkingBudget: 0 })));

    for (const response of [plain, off]) {
      expect(partsOf(response.json)).toEqual([{ text: 'Echo: hello' }]);
      expect(response.json.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    }
  });

  it('Gemini 3 signs the last part of a text answer, after the thought', async () => {
    const response = await generate(emulator, 'gemini-3-flash-preview', userBody('hello', includeThoughts({ thinkingLevel: 'LOW' })));
    const parts = partsOf(response.json);

    expect(parts).toEqual([{ text: 'Thinking about it', thought: true }, { text: 'Echo: hello', thoughtSignature: expect.stringMatching(BASE64) }]);
    expect(emulator.thoughtSignatures.issued).toEqual([parts[1]?.thoughtSignature]);
  });

  it('thinks before a function call too', async () => {
    const response = await generate(emulator, 'gemini-3-pro-preview', userBody('look it up', { tools, ...includeThoughts() }));
    const parts = partsOf(response.json);

    expect(parts[0]).toEqual({ text: 'Thinking about it', thought: true });
    expect(parts[1]).toMatchObject({ functionCall: { name: 'lookup' }, thoughtSignature: expect.stringMatching(BASE64) });
    expect(response.json.usageMetadata?.thoughtsTokenCount).toBe(7);
  });
});

describe('streamed thinking', () => {
  it('sends the thought alone in the first chunk, then the answer', async () => {
    const { chunks } = await stream(emulator, 'gemini-2.5-flash', userBody('one two three', includeThoughts()));

    expect(chunks[0]?.candidates).toEqual([{ content: { parts: [{ text: 'Thinking about it', thought: true }], role: 'model' }, index: 0 }]);
    expect(chunks.slice(1).map((chunk) => partsOf(chunk)[0]?.text).join('')).toBe('Echo: one two three');
    expect(chunks.every((chunk) => chunk.usageMetadata?.thoughtsTokenCount === 7)).toBe(true);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('Gemini 3: thought chunk, text chunks, then the signed empty-text STOP chunk', async () => {
    const { chunks } = await stream(emulator, 'gemini-3-pro-preview', userBody('one two', includeThoughts()));

    expect(partsOf(chunks[0] ?? {})).toEqual([{ text: 'Thinking about it', thought: true }]);
    expect(partsOf(chunks.at(-1) ?? {})).toEqual([{ text: '', thoughtSignature: expect.stringMatching(BASE64) }]);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('Gemini 3 function call stream: thought, call, empty-text STOP', async () => {
    const { chunks } = await stream(emulator, 'gemini-3-flash-preview', userBody('look it up', { tools, ...includeThoughts() }));

    expect(chunks.map((chunk) => Object.keys(partsOf(chunk)[0] ?? {}))).toEqual([['text', 'thought'], ['functionCall', 'thoughtSignature'], ['text']]);
  });
});
