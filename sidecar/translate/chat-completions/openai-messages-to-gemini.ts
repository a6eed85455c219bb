import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiContent, GeminiGenerateContentRequest, GeminiPart } from './gemini-generate-schema';
import type { OpenAIChatMessage, OpenAIContentPart } from './openai-chat-schema';

/** Gemini rejects a request without contents; a lone "." turn is what LiteLLM sends for system-only chats. */
const PLACEHOLDER_USER_TEXT = '.';

/** Messages → `systemInstruction` + `contents`, with warnings for anything dropped on purpose. */
export interface TranslatedMessages {
  systemInstruction?: GeminiGenerateContentRequest['systemInstruction'];
  contents: GeminiContent[];
  warnings: string[];
}

/**
 * Translates the message list. system/developer messages anywhere are hoisted, in order, into systemInstruction
 * (Gemini has no mid-conversation system role); user/assistant become user/model turns; consecutive turns of one role
 * are merged; empty text never reaches Gemini ("empty text parameter" 400).
 */
export function openaiMessagesToGemini(messages: readonly OpenAIChatMessage[]): TranslatedMessages {
  const systemParts: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const warnings: string[] = [];
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    if (message.name != null && message.role !== 'function') warnings.push(`${param}.name`);
    switch (message.role) {
      case 'system':
      case 'developer':
        systemParts.push(...textParts(message.content, param));
        return;
      case 'user':
        appendTurn(contents, 'user', textParts(message.content, param));
        return;
      case 'assistant':
        if (message.tool_calls?.length || message.function_call != null) {
          throw new InvalidRequestError('Assistant tool calls are not supported by this sidecar yet.', `${param}.tool_calls`, 'unsupported_parameter');
        }
        appendTurn(contents, 'model', textParts(message.content, param));
        return;
      case 'tool':
      case 'function':
        throw new InvalidRequestError(`Messages with role '${message.role}' are not supported by this sidecar yet.`, `${param}.role`, 'unsupported_parameter');
    }
  });
  if (contents.length === 0) contents.push({ role: 'user', parts: [{ text: PLACEHOLDER_USER_TEXT }] });
  return { ...(systemParts.length > 0 ? { systemInstruction: { parts: systemParts } } : {}), contents, warnings };
}

function appendTurn(contents: GeminiContent[], role: GeminiContent['role'], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function textParts(content: OpenAIChatMessage['content'], param: string): Array<{ text: string }> {
  if (content == null) return [];
  if (typeof content === 'string') return content.length > 0 ? [{ text: content }] : [];
  const parts: Array<{ text: string }> = [];
  content.forEach((part: OpenAIContentPart, index) => {
    if (part.type !== 'text') {
      throw new InvalidRequestError(
        `Content part type '${part.type}' is not supported by this sidecar yet.`,
        `${param}.content[${index}].type`,
        'unsupported_content_type',
      );
    }
    if (typeof part.text !== 'string') {
      throw new InvalidRequestError('A text content part needs a string `text`.', `${param}.content[${index}].text`);
    }
    if (part.text.length > 0) parts.push({ text: part.text });
  });
  return parts;
}
