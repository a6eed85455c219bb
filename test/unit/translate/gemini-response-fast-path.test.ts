import fc from 'fast-check';
import { geminiGenerateContentResponseSchema } from '@sidecar/translate/chat-completions/gemini-generate-schema';
import { plainGeminiResponse } from '@sidecar/translate/chat-completions/gemini-response-fast-path';
import { geminiResponseLike } from '../../fuzz/gemini-arbitraries';
import { loadRecordedChunks, loadRecordedJson } from '../../helpers/recorded-fixtures';

/** The fast path may only skip zod where zod would have accepted the same value and returned an equal one. */
function expectSameAsZod(raw: unknown): boolean {
  const plain = plainGeminiResponse(raw);
  if (!plain) return false;
  const parsed = geminiGenerateContentResponseSchema.safeParse(raw);
  expect(parsed.success).toBe(true);
  expect(plain).toStrictEqual(parsed.data);
  return true;
}

describe('plainGeminiResponse', () => {
  it('never accepts what the zod schema refuses or reads differently (10,000 arbitrary responses and JSON values)', () => {
    let accepted = 0;
    fc.assert(
      // Through JSON text, as every answer reaches the sidecar (fast-check also builds null-prototype objects).
      fc.property(geminiResponseLike, (value) => {
        if (expectSameAsZod(JSON.parse(JSON.stringify(value) ?? 'null'))) accepted++;
      }),
      { numRuns: 10_000 },
    );
    // Not a vacuous property: a good share of the arbitraries is plain enough for the fast path.
    expect(accepted).toBeGreaterThan(500);
  });

  it('takes the recorded text answers and every chunk of the recorded text and reasoning streams', () => {
    for (const name of ['vercel-ai/google-text.json', 'vercel-ai/google-reasoning.json', 'vercel-ai/google-usage-raw-live.json']) {
      expect(expectSameAsZod(loadRecordedJson(name))).toBe(true);
    }
    for (const name of ['vercel-ai/google-text.chunks.txt', 'vercel-ai/google-reasoning.chunks.txt', 'vercel-ai/google-usage-raw-live.chunks.txt']) {
      const chunks = loadRecordedChunks(name);
      expect(chunks.length).toBeGreaterThan(0);
      for (const chunk of chunks) expect(expectSameAsZod(chunk)).toBe(true);
    }
  });

  it('leaves tool calls, inline data, prompt feedback and odd values to zod', () => {
    const text = { candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, index: 0 }] };
    expect(plainGeminiResponse(text)).toBe(text);
    const withPart = (part: object) => ({ candidates: [{ content: { parts: [part] } }] });
    expect(plainGeminiResponse(withPart({ functionCall: { name: 'f', args: {} } }))).toBeUndefined();
    expect(plainGeminiResponse(withPart({ inlineData: { mimeType: 'image/png', data: 'AA==' } }))).toBeUndefined();
    expect(plainGeminiResponse(withPart({ text: 7 }))).toBeUndefined();
    expect(plainGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' } })).toBeUndefined();
    expect(plainGeminiResponse({ candidates: [{ index: 0.5 }] })).toBeUndefined();
    expect(plainGeminiResponse({ usageMetadata: { totalTokenCount: '3' } })).toBeUndefined();
    expect(plainGeminiResponse(JSON.parse('{"__proto__":{"x":1},"candidates":[]}'))).toBeUndefined();
    expect(plainGeminiResponse([text])).toBeUndefined();
  });

  const part = (extra: object) => ({ candidates: [{ content: { role: 'model', parts: [{ text: 'x', ...extra }] } }] });
  const candidate = (extra: object) => ({ candidates: [{ content: { parts: [{ text: 'x' }] }, ...extra }] });
  it.each([
    ['a numeric text', part({ text: 1 })],
    ['a string thought flag', part({ thought: 'yes' })],
    ['a numeric thought signature', part({ thoughtSignature: 1 })],
    ['code to execute', part({ executableCode: { code: 'print(1)' } })],
    ['a code execution result', part({ codeExecutionResult: { outcome: 'OUTCOME_OK' } })],
    ['a numeric role', candidate({ content: { role: 1, parts: [] } })],
    ['parts that are not an array', candidate({ content: { parts: {} } })],
    ['content that is a string', candidate({ content: 'x' })],
    ['a numeric finish reason', candidate({ finishReason: 1 })],
    ['an object finish message', candidate({ finishMessage: {} })],
    ['a fractional index', candidate({ index: 1.5 })],
    ['logprobs', candidate({ logprobsResult: { chosenCandidates: [] } })],
    ['grounding', candidate({ groundingMetadata: { groundingChunks: [] } })],
    ['candidates that are not an array', { candidates: {} }],
    ['a numeric model version', { modelVersion: 1 }],
    ['a numeric response id', { responseId: 1 }],
    ['usage that is an array', { usageMetadata: [] }],
  ])('leaves %s to zod', (_name, raw) => {
    expect(plainGeminiResponse(raw)).toBeUndefined();
  });
});
