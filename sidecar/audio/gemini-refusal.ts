import type { GeminiGenerateContentResponse } from '../translate/chat-completions/gemini-generate-schema';

/** Finish reasons meaning Gemini refused on policy grounds (https://ai.google.dev/api/generate-content#FinishReason). */
const REFUSAL_REASONS: ReadonlySet<string> = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION']);

/** The reason Gemini refused to answer (a blocked prompt or a policy stop), or undefined when it did not. */
export function geminiRefusalReason(response: GeminiGenerateContentResponse): string | undefined {
  const blocked = response.promptFeedback?.blockReason;
  if (blocked) return `prompt blocked: ${blocked}`;
  const finish = response.candidates?.[0]?.finishReason;
  return finish && REFUSAL_REASONS.has(finish) ? finish : undefined;
}
