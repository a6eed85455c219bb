import { everyElement, isNullish, isPlainRecord, nullishBoolean, nullishIntegerIn, nullishNumberIn, nullishString } from '../plain-checks';
import type { GeminiGenerateContentResponse } from './gemini-generate-schema';

// The usual Gemini answer and stream chunk: text parts (thoughts and signatures included), finish reason, index,
// usage, model version and id. Anything else (function calls, inline data, code execution, logprobs, grounding,
// prompt feedback) goes to the zod schema, which stays the one definition of what is accepted.

const USAGE_COUNTS = ['promptTokenCount', 'candidatesTokenCount', 'thoughtsTokenCount', 'toolUsePromptTokenCount', 'cachedContentTokenCount', 'totalTokenCount'];

function plainPart(part: unknown): boolean {
  return (
    isPlainRecord(part) &&
    nullishString(part.text) &&
    nullishBoolean(part.thought) &&
    nullishString(part.thoughtSignature) &&
    isNullish(part.functionCall) &&
    isNullish(part.inlineData) &&
    isNullish(part.executableCode) &&
    isNullish(part.codeExecutionResult)
  );
}

function plainCandidate(candidate: unknown): boolean {
  if (!isPlainRecord(candidate)) return false;
  const content = candidate.content;
  if (!isNullish(content)) {
    if (!isPlainRecord(content) || !nullishString(content.role)) return false;
    if (!isNullish(content.parts) && !everyElement(content.parts, plainPart)) return false;
  }
  return (
    nullishString(candidate.finishReason) &&
    nullishString(candidate.finishMessage) &&
    nullishIntegerIn(candidate.index) &&
    isNullish(candidate.logprobsResult) &&
    isNullish(candidate.groundingMetadata)
  );
}

function plainUsage(usage: unknown): boolean {
  if (isNullish(usage)) return true;
  if (!isPlainRecord(usage)) return false;
  for (const count of USAGE_COUNTS) if (!nullishNumberIn(usage[count])) return false;
  return true;
}

/**
 * `raw` itself when it is a plainly valid response, so its zod parse (a copy of the whole tree, ~2-4 µs per answer
 * and per stream chunk) can be skipped; undefined when zod must decide. Whatever this accepts, the schema accepts
 * with an equal result (property test over the fuzz arbitraries).
 */
export function plainGeminiResponse(raw: unknown): GeminiGenerateContentResponse | undefined {
  if (!isPlainRecord(raw)) return undefined;
  const plain =
    (isNullish(raw.candidates) || everyElement(raw.candidates, plainCandidate)) &&
    isNullish(raw.promptFeedback) &&
    plainUsage(raw.usageMetadata) &&
    nullishString(raw.modelVersion) &&
    nullishString(raw.responseId);
  return plain ? (raw as GeminiGenerateContentResponse) : undefined;
}
