import type { GeminiContent } from './gemini-generate-schema';
import type { OpenAIChatMessage, OpenAIToolCall } from './openai-chat-schema';

/**
 * Google's documented stand-in for a signature the client could not keep (history from another model, a client that
 * drops unknown fields): https://ai.google.dev/gemini-api/docs/thought-signatures#faqs
 */
export const DUMMY_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** LiteLLM appends the signature to the tool-call id: `call_<uuid>__thought__<signature>`. */
const ID_SUFFIX = '__thought__';

/** A tool-call id without LiteLLM's signature suffix. */
export function withoutSignatureSuffix(id: string): string {
  const at = id.indexOf(ID_SUFFIX);
  return at >= 0 ? id.slice(0, at) : id;
}

/** A tool call's id without a LiteLLM suffix, and the signature from whichever carrier the client used. */
export function readToolCallSignature(toolCall: OpenAIToolCall): { id: string; signature?: string } {
  const id = withoutSignatureSuffix(toolCall.id);
  const fromId = id.length < toolCall.id.length ? toolCall.id.slice(id.length + ID_SUFFIX.length) : undefined;
  const signature =
    toolCall.extra_content?.google?.thought_signature ??
    toolCall.function.thought_signature ??
    toolCall.provider_specific_fields?.thought_signature ??
    (fromId || undefined);
  return signature ? { id, signature } : { id };
}

/** The message-level signature (a text answer's), from Google's, LiteLLM's or Envoy's carrier. */
export function readMessageSignature(message: OpenAIChatMessage): string | undefined {
  return (
    message.extra_content?.google?.thought_signature ??
    message.provider_specific_fields?.thought_signature ??
    message.thinking_blocks?.find((block) => block.signature)?.signature ??
    undefined
  );
}

/**
 * Gemini 3 validates only the current turn: every step after the last user message with real content (a
 * functionResponse turn does not count) must carry a signature on its FIRST functionCall part, or the request fails
 * with 400. Adds the dummy where one is missing; later parallel calls never get one. Returns how many were added.
 */
export function injectMissingThoughtSignatures(contents: GeminiContent[]): number {
  let turnStart = 0;
  contents.forEach((content, index) => {
    if (content.role === 'user' && content.parts.some((part) => part.functionResponse === undefined)) turnStart = index + 1;
  });
  let injected = 0;
  for (const content of contents.slice(turnStart)) {
    if (content.role !== 'model') continue;
    const firstCall = content.parts.find((part) => part.functionCall !== undefined);
    if (firstCall && !firstCall.thoughtSignature) {
      firstCall.thoughtSignature = DUMMY_THOUGHT_SIGNATURE;
      injected++;
    }
  }
  return injected;
}
