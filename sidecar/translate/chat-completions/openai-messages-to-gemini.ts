import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiContent, GeminiGenerateContentRequest, GeminiPart } from './gemini-generate-schema';
import type { OpenAIChatMessage } from './openai-chat-schema';
import { openaiContentToGeminiParts, type ContentOptions } from './openai-content-parts';
import { assistantToolCallsToGemini, toolMessagesToGemini, type ToolCallIndex } from './openai-tool-messages-to-gemini';
import { injectMissingThoughtSignatures, readMessageSignature } from './thought-signatures';

/** Gemini rejects a request without contents; a lone "." turn is what LiteLLM sends for system-only chats. */
const PLACEHOLDER_USER_TEXT = '.';

/** Messages → `systemInstruction` + `contents`, with warnings for anything dropped on purpose. */
export interface TranslatedMessages {
  systemInstruction?: GeminiGenerateContentRequest['systemInstruction'];
  contents: GeminiContent[];
  warnings: string[];
  /** How many dummy thought signatures were added (Gemini 3+ history without them). */
  dummySignatures: number;
}

/** Per-request facts the message translation depends on. */
export interface MessageOptions extends ContentOptions {
  requiresThoughtSignatures: boolean;
}

/**
 * Translates the message list. system/developer messages anywhere are hoisted, in order, into systemInstruction
 * (Gemini has no mid-conversation system role); user/assistant become user/model turns; a run of tool results becomes
 * one user turn of functionResponse parts; consecutive turns of one role are merged; empty text never reaches Gemini.
 */
export function openaiMessagesToGemini(messages: readonly OpenAIChatMessage[], options: MessageOptions): TranslatedMessages {
  const systemParts: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const warnings: string[] = [];
  const toolCalls: ToolCallIndex = new Map();
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    const param = `messages[${index}]`;
    if (message.name != null && message.role !== 'function' && message.role !== 'tool') warnings.push(`${param}.name`);
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const part of openaiContentToGeminiParts(message.content, param, options, warnings)) {
          if (part.text === undefined) {
            throw new InvalidRequestError('System messages can only hold text.', `${param}.content`, 'unsupported_content_type');
          }
          systemParts.push({ text: part.text });
        }
        break;
      case 'user':
        appendTurn(contents, 'user', openaiContentToGeminiParts(message.content, param, options, warnings));
        break;
      case 'assistant':
        appendTurn(contents, 'model', assistantParts(message, param, options, warnings, toolCalls));
        break;
      case 'tool':
      case 'function': {
        let end = index;
        while (end + 1 < messages.length && isToolResult(messages[end + 1]!)) end++;
        appendTurn(contents, 'user', toolMessagesToGemini(messages, index, end, toolCalls, options, warnings));
        index = end;
        break;
      }
    }
  }
  if (contents.length === 0) contents.push({ role: 'user', parts: [{ text: PLACEHOLDER_USER_TEXT }] });
  const dummySignatures = options.requiresThoughtSignatures ? injectMissingThoughtSignatures(contents) : 0;
  return {
    ...(systemParts.length > 0 ? { systemInstruction: { parts: systemParts } } : {}),
    contents,
    warnings,
    dummySignatures,
  };
}

function isToolResult(message: OpenAIChatMessage): boolean {
  return message.role === 'tool' || message.role === 'function';
}

function assistantParts(
  message: OpenAIChatMessage,
  param: string,
  options: ContentOptions,
  warnings: string[],
  toolCalls: ToolCallIndex,
): GeminiPart[] {
  const parts = openaiContentToGeminiParts(message.content, param, options, warnings).filter((part) => part.text !== undefined);
  const signature = readMessageSignature(message);
  const calls = assistantToolCallsToGemini(message, param, toolCalls);
  if (signature) {
    // A text answer's signature sits on its last part; with no text it belongs to the first call (Gemini 2.5 style).
    const carrier = parts.at(-1) ?? calls.find((part) => !part.thoughtSignature);
    if (carrier) carrier.thoughtSignature = signature;
    else warnings.push(`${param}.extra_content.google.thought_signature`);
  }
  return [...parts, ...calls];
}

function appendTurn(contents: GeminiContent[], role: GeminiContent['role'], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}
