import { InvalidRequestError } from '../../errors/sidecar-error';
import type { GeminiPart } from './gemini-generate-schema';
import type { OpenAIChatMessage } from './openai-chat-schema';
import { openaiContentToGeminiParts, type ContentOptions } from './openai-content-parts';
import { assertJsonDepth } from '../json-depth';
import { readToolCallSignature, withoutSignatureSuffix } from './thought-signatures';

/** tool_call_id → the function it called and its position among its message's calls, over the whole history. */
export type ToolCallIndex = Map<string, { name: string; position: number }>;

/** An assistant message's tool_calls (or legacy function_call) → functionCall parts, signatures re-attached. */
export function assistantToolCallsToGemini(message: OpenAIChatMessage, param: string, index: ToolCallIndex): GeminiPart[] {
  const parts: GeminiPart[] = [];
  (message.tool_calls ?? []).forEach((toolCall, position) => {
    const { id, signature } = readToolCallSignature(toolCall);
    const args = parseArguments(toolCall.function.arguments, `${param}.tool_calls[${position}].function.arguments`);
    index.set(id, { name: toolCall.function.name, position });
    index.set(toolCall.id, { name: toolCall.function.name, position });
    parts.push({
      functionCall: { id, name: toolCall.function.name, args },
      ...(signature ? { thoughtSignature: signature } : {}),
    });
  });
  if (message.function_call) {
    const args = parseArguments(message.function_call.arguments, `${param}.function_call.arguments`);
    parts.push({ functionCall: { name: message.function_call.name, args } });
  }
  return parts;
}

/**
 * messages[start..end] (tool / legacy function results) → the parts of ONE user turn: Gemini wants all responses to
 * a step together, in the order of the calls ("FC1, FC2, FR1, FR2"; interleaving is a 400).
 */
export function toolMessagesToGemini(
  messages: readonly OpenAIChatMessage[],
  start: number,
  end: number,
  index: ToolCallIndex,
  options: ContentOptions,
  warnings: string[],
): GeminiPart[] {
  const responses: Array<{ order: number; part: GeminiPart; media: GeminiPart[] }> = [];
  for (let at = start; at <= end; at++) {
    const message = messages[at]!;
    const param = `messages[${at}]`;
    const known = message.tool_call_id ? index.get(message.tool_call_id) : undefined;
    const name = known?.name ?? message.name ?? undefined;
    if (!name) {
      throw new InvalidRequestError(
        `No earlier assistant tool call has id '${message.tool_call_id ?? ''}', and the message has no 'name'.`,
        `${param}.tool_call_id`,
      );
    }
    const parts = openaiContentToGeminiParts(message.content, param, options, warnings);
    const text = parts.flatMap((part) => (part.text === undefined ? [] : [part.text])).join('');
    const media = parts.filter((part) => part.text === undefined);
    const id = message.tool_call_id ? withoutSignatureSuffix(message.tool_call_id) : undefined;
    responses.push({
      order: known?.position ?? responses.length,
      part: { functionResponse: { ...(id ? { id } : {}), name, response: toolResultToResponse(text, `${param}.content`) } },
      media,
    });
  }
  responses.sort((left, right) => left.order - right.order);
  // Images returned by a tool ride inside functionResponse.parts on Gemini 3; older models get them as sibling parts.
  const nested = options.partLevelMedia;
  if (nested) {
    for (const response of responses) {
      if (response.media.length > 0) response.part.functionResponse!.parts = response.media.map(mediaOnly);
    }
    return responses.map((response) => response.part);
  }
  return [...responses.map((response) => response.part), ...responses.flatMap((response) => response.media)];
}

/** A JSON object result is the response itself; anything else is wrapped as `output` (Gemini's documented key). */
function toolResultToResponse(text: string, param: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { output: text };
  }
  assertJsonDepth(parsed, param);
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  return { output: parsed };
}

function parseArguments(raw: string | null | undefined, param: string): Record<string, unknown> {
  if (raw == null || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidRequestError('Tool call arguments must be a JSON object string.', param, 'invalid_tool_arguments');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidRequestError('Tool call arguments must be a JSON object.', param, 'invalid_tool_arguments');
  }
  assertJsonDepth(parsed, param);
  return parsed as Record<string, unknown>;
}

function mediaOnly(part: GeminiPart): { inlineData?: GeminiPart['inlineData']; fileData?: GeminiPart['fileData'] } {
  return { ...(part.inlineData ? { inlineData: part.inlineData } : {}), ...(part.fileData ? { fileData: part.fileData } : {}) };
}
