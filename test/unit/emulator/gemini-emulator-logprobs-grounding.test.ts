import { GeminiEmulator } from '../../emulator/gemini-emulator';
import { generate, stream, userBody, type Candidate } from './emulator-http';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});

afterEach(() => emulator.reset());

afterAll(() => emulator.close());

const logprobs = (top?: number) => ({ generationConfig: { responseLogprobs: true, ...(top === undefined ? {} : { logprobs: top }) } });

describe('default logprobs', () => {
  it('reports one chosen token per word of the reply, top candidates led by the chosen one, and their average', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash', userBody('the quick brown fox', logprobs(3)));
    const candidate = response.json.candidates?.[0] as Candidate;
    const result = candidate.logprobsResult;
    const chosen = result?.chosenCandidates ?? [];

    expect(Object.keys(candidate)).toEqual(['content', 'finishReason', 'index', 'avgLogprobs', 'logprobsResult']);
    expect(chosen.map((token) => token.token)).toEqual(['Echo: ', 'the ', 'quick ', 'brown ', 'fox']);
    expect(chosen.every((token) => token.logProbability <= 0)).toBe(true);
    expect(result?.topCandidates).toHaveLength(chosen.length);
    result?.topCandidates?.forEach((top, index) => {
      expect(top.candidates).toHaveLength(3);
      expect(top.candidates[0]).toMatchObject({ token: chosen[index]?.token, logProbability: chosen[index]?.logProbability, tokenId: expect.any(Number) });
    });
    const mean = chosen.reduce((sum, token) => sum + token.logProbability, 0) / chosen.length;
    expect(candidate.avgLogprobs).toBeCloseTo(mean, 5);
  });

  it('leaves topCandidates out when logprobs is not set, and is deterministic', async () => {
    const first = await generate(emulator, 'gemini-3-flash-preview', userBody('same words', logprobs()));
    const second = await generate(emulator, 'gemini-3-flash-preview', userBody('same words', logprobs()));

    expect(first.json.candidates?.[0]?.logprobsResult?.topCandidates).toBeUndefined();
    expect(first.json.candidates?.[0]?.logprobsResult).toEqual(second.json.candidates?.[0]?.logprobsResult);
  });

  it('streams logprobs for the tokens of each chunk', async () => {
    const { chunks } = await stream(emulator, 'gemini-2.5-flash', userBody('one two three four', logprobs(1)));
    const tokens = chunks.flatMap((chunk) => chunk.candidates?.[0]?.logprobsResult?.chosenCandidates.map((token) => token.token) ?? []);
    expect(tokens.join('')).toBe('Echo: one two three four');
  });

  it('sends no logprobs unless asked', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash', userBody('plain'));
    expect(response.json.candidates?.[0]?.logprobsResult).toBeUndefined();
  });
});

describe('default search grounding', () => {
  const search = { tools: [{ googleSearch: {} }] };

  it('grounds the first sentence on one web source, with byte offsets', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash', userBody('Who won Euro 2024? Tell me more.', search));
    const candidate = response.json.candidates?.[0] as Candidate;

    expect(candidate.content.parts?.[0]?.text).toBe('Echo: Who won Euro 2024? Tell me more.');
    expect(candidate.groundingMetadata).toEqual({
      webSearchQueries: ['Who won Euro 2024? Tell me more.'],
      searchEntryPoint: { renderedContent: expect.stringContaining('https://www.google.com/search?q=') },
      groundingChunks: [{ web: { uri: 'https://example.com/a', title: 'example.com' } }],
      groundingSupports: [{ segment: { startIndex: 0, endIndex: 24, text: 'Echo: Who won Euro 2024?' }, groundingChunkIndices: [0] }],
    });
  });

  it('counts UTF-8 bytes, not UTF-16 units, in segment offsets', async () => {
    const response = await generate(emulator, 'gemini-2.5-flash', userBody('Où est le café?', search));
    const segment = response.json.candidates?.[0]?.groundingMetadata?.groundingSupports[0]?.segment;
    expect(segment).toEqual({ startIndex: 0, endIndex: Buffer.byteLength('Echo: Où est le café?'), text: 'Echo: Où est le café?' });
  });

  it('puts groundingMetadata on the chunk that finishes the stream only', async () => {
    for (const model of ['gemini-2.5-flash', 'gemini-3-flash-preview']) {
      const { chunks } = await stream(emulator, model, userBody('one two three. four', search));
      expect(chunks.map((chunk) => chunk.candidates?.[0]?.groundingMetadata !== undefined)).toEqual(chunks.map((_, index) => index === chunks.length - 1));
      expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    }
  });
});
