/** OpenAI `finish_reason` values. */
export type OpenAIFinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

/**
 * Gemini `finishReason` → OpenAI `finish_reason`.
 * https://ai.google.dev/api/generate-content#FinishReason lists 22 values; OpenAI has four. Tool-call failures
 * (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, ...) map to "stop" as LiteLLM does: OpenAI has no "error" value and
 * clients treat unknown values badly. The native value is kept beside it as `native_finish_reason`.
 */
export const GEMINI_FINISH_REASON_TO_OPENAI: Readonly<Record<string, OpenAIFinishReason>> = {
  FINISH_REASON_UNSPECIFIED: 'stop',
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  LANGUAGE: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  IMAGE_OTHER: 'content_filter',
  ESCALATION: 'content_filter',
  PUP_LIMITED_DISABLED: 'content_filter',
  OTHER: 'stop',
  NO_IMAGE: 'stop',
  MALFORMED_FUNCTION_CALL: 'stop',
  UNEXPECTED_TOOL_CALL: 'stop',
  TOO_MANY_TOOL_CALLS: 'stop',
  MISSING_THOUGHT_SIGNATURE: 'stop',
  MALFORMED_RESPONSE: 'stop',
};

/** Result of mapping one finish reason; `known` is false for values added by Google after this table. */
export interface MappedFinishReason {
  finish_reason: OpenAIFinishReason;
  known: boolean;
}

/**
 * Maps a Gemini finish reason. Gemini says STOP for tool-call turns too, and newer models send that STOP in a later
 * chunk than the functionCall, so `sawToolCalls` is tracked over the whole candidate by the caller.
 */
export function mapGeminiFinishReason(reason: string, sawToolCalls: boolean): MappedFinishReason {
  const mapped = GEMINI_FINISH_REASON_TO_OPENAI[reason];
  const finish_reason = mapped ?? 'stop';
  if (sawToolCalls && finish_reason === 'stop') return { finish_reason: 'tool_calls', known: mapped !== undefined };
  return { finish_reason, known: mapped !== undefined };
}

/** Whether the OpenAI value loses information, so the native one is reported beside it. */
export function needsNativeFinishReason(reason: string): boolean {
  return reason !== 'STOP' && reason !== 'MAX_TOKENS';
}
