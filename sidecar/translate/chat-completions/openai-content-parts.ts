import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiPart } from './gemini-generate-schema';
import type { OpenAIChatMessage } from './openai-chat-schema';
import { openaiContentPartToGemini, type ContentPartOptions } from './openai-content-to-gemini';

/** Per-request facts content conversion depends on. */
export type ContentOptions = ContentPartOptions;

/** A message's `content` (string or parts) → Gemini parts; empty text is dropped (Gemini rejects it). */
export function openaiContentToGeminiParts(
  content: OpenAIChatMessage['content'],
  param: string,
  options: ContentOptions,
  warnings: string[],
): GeminiPart[] {
  if (content == null) return [];
  if (typeof content === 'string') return content.length > 0 ? [{ text: content }] : [];
  const parts: GeminiPart[] = [];
  content.forEach((part, index) => {
    const partParam = `${param}.content[${index}]`;
    if (part.type === 'refusal') {
      // An assistant refusal sent back as history: it was the model's text.
      const refusal = (part as { refusal?: unknown }).refusal;
      if (typeof refusal !== 'string') throw new InvalidRequestError('A refusal content part needs a string.', `${partParam}.refusal`);
      if (refusal.length > 0) parts.push({ text: refusal });
      return;
    }
    const translated = openaiContentPartToGemini(part, partParam, options);
    warnings.push(...translated.warnings);
    if (translated.part.text === undefined || translated.part.text.length > 0) parts.push(translated.part);
  });
  return parts;
}
