import fc from 'fast-check';
import { GEMINI_FINISH_REASON_TO_OPENAI } from '@sidecar/translate/chat-completions/finish-reason';
import { anyJson, jsonObject, maybe, nullable, text } from './fuzz-json';

/** Gemini token counts are int32 (https://ai.google.dev/api/generate-content#UsageMetadata). */
export const MAX_TOKEN_COUNT = 2 ** 31 - 1;

const finishReason = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(GEMINI_FINISH_REASON_TO_OPENAI)) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('FUTURE_REASON', ''), fc.string({ maxLength: 6 })) },
);

/** Real counts mostly; negative integers and arbitrary finite doubles now and then. */
const tokenCount = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: MAX_TOKEN_COUNT }) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000, max: -1 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

const usageMetadata = jsonObject({
  promptTokenCount: maybe(nullable(tokenCount), 1, 4),
  candidatesTokenCount: maybe(nullable(tokenCount), 1, 4),
  thoughtsTokenCount: maybe(nullable(tokenCount), 2),
  toolUsePromptTokenCount: maybe(nullable(tokenCount), 4),
  cachedContentTokenCount: maybe(nullable(tokenCount), 3),
  totalTokenCount: maybe(nullable(tokenCount), 1, 4),
});

const signature = maybe(fc.oneof(fc.constant('c2lnbmF0dXJl'), text), 3);

const part = fc.oneof(
  { weight: 6, arbitrary: jsonObject({ text, thought: maybe(nullable(fc.boolean()), 3), thoughtSignature: signature }) },
  {
    weight: 3,
    arbitrary: jsonObject({
      functionCall: jsonObject({
        id: maybe(nullable(fc.constantFrom('fc-1', 'fc-2', ''))),
        name: maybe(nullable(fc.oneof(fc.constantFrom('get_weather', 'lookup', ''), fc.string({ maxLength: 5 }))), 1, 6),
        args: maybe(nullable(fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 }))),
      }),
      thoughtSignature: signature,
    }),
  },
  {
    weight: 1,
    arbitrary: jsonObject({
      inlineData: jsonObject({ mimeType: fc.constantFrom('image/png', ''), data: fc.base64String({ maxLength: 8 }) }),
      thought: maybe(fc.boolean(), 3),
    }),
  },
  {
    weight: 1,
    arbitrary: jsonObject({ executableCode: jsonObject({ language: maybe(nullable(fc.constantFrom('PYTHON', 'Lang'))), code: maybe(text) }) }),
  },
  {
    weight: 1,
    arbitrary: jsonObject({ codeExecutionResult: jsonObject({ outcome: maybe(fc.constant('OUTCOME_OK')), output: maybe(nullable(text)) }) }),
  },
  // A part kind the sidecar does not know (videoMetadata, fileData, …), or no data field at all.
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.oneof(fc.constantFrom('fileData', 'thought', 'videoMetadata'), fc.string({ maxLength: 5 })), anyJson, { maxKeys: 2 }),
  },
);

const logProbability = fc.double({ noNaN: true, noDefaultInfinity: true });
const logprobCandidate = jsonObject({ token: maybe(nullable(text)), logProbability: maybe(nullable(logProbability)) });

const groundingMetadata = jsonObject({
  groundingChunks: maybe(
    fc.array(jsonObject({ web: maybe(jsonObject({ uri: maybe(nullable(fc.webUrl())), title: maybe(nullable(text)) })) }), { maxLength: 3 }),
  ),
  groundingSupports: maybe(
    fc.array(
      jsonObject({
        segment: maybe(jsonObject({ startIndex: maybe(fc.nat(100)), endIndex: maybe(fc.nat(100)) })),
        groundingChunkIndices: maybe(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 })),
      }),
      { maxLength: 3 },
    ),
  ),
});

/** One candidate; its `index` is usually small so that stream chunks revisit the same choice. */
const candidate = jsonObject({
  content: maybe(nullable(jsonObject({ parts: maybe(nullable(fc.array(part, { maxLength: 4 })), 1, 6), role: maybe(fc.constant('model')) })), 1, 6),
  finishReason: maybe(nullable(finishReason)),
  finishMessage: maybe(text, 4),
  index: maybe(nullable(fc.oneof({ weight: 6, arbitrary: fc.nat(2) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 1_000 }) }))),
  logprobsResult: maybe(
    jsonObject({
      chosenCandidates: maybe(nullable(fc.array(logprobCandidate, { maxLength: 3 }))),
      topCandidates: maybe(fc.array(jsonObject({ candidates: maybe(fc.array(logprobCandidate, { maxLength: 2 })) }), { maxLength: 3 })),
    }),
    6,
  ),
  groundingMetadata: maybe(groundingMetadata, 6),
  safetyRatings: maybe(anyJson, 6),
});

/** A GenerateContentResponse (or stream chunk) with missing, null and unknown fields. */
export const geminiResponse = jsonObject({
  candidates: maybe(nullable(fc.array(candidate, { minLength: 1, maxLength: 3 })), 1, 6),
  promptFeedback: maybe(jsonObject({ blockReason: maybe(nullable(fc.constantFrom('SAFETY', 'OTHER', 'BLOCKLIST', ''))) }), 6),
  usageMetadata: maybe(nullable(usageMetadata)),
  modelVersion: maybe(fc.constantFrom('gemini-2.5-flash', ''), 2),
  responseId: maybe(nullable(fc.constantFrom('resp-1', 'resp-2', ''))),
});

/** Structured responses, the same with one field overwritten by any JSON, and plain JSON values. */
export const geminiResponseLike: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: geminiResponse },
  {
    weight: 1,
    arbitrary: fc
      .tuple(geminiResponse, fc.constantFrom('candidates', 'usageMetadata', 'promptFeedback', 'responseId', 'extra'), anyJson)
      .map(([response, key, value]) => ({ ...response, [key]: value })),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);
