import type { AttributeValue } from '@opentelemetry/api';
import type { OpenAIChatRequest } from '../translate/chat-completions/openai-chat-schema';
import type { OpenAIResponsesRequest, ResponsesInputItem } from '../translate/responses/openai-responses-schema';

/** `gen_ai.request.*` span attributes of a chat request; messages only when content capture is switched on. */
export function chatSpanAttributes(request: OpenAIChatRequest, captureContent: boolean): Record<string, AttributeValue | undefined> {
  const stop = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? undefined);
  return {
    'gen_ai.request.temperature': request.temperature ?? undefined,
    'gen_ai.request.top_p': request.top_p ?? undefined,
    'gen_ai.request.max_tokens': request.max_completion_tokens ?? request.max_tokens ?? undefined,
    'gen_ai.request.stop_sequences': stop,
    'gen_ai.request.choice.count': request.n ?? undefined,
    'gen_ai.request.seed': request.seed ?? undefined,
    'gen_ai.request.presence_penalty': request.presence_penalty ?? undefined,
    'gen_ai.request.frequency_penalty': request.frequency_penalty ?? undefined,
    'gen_ai.request.stream': request.stream ?? false,
    ...(captureContent ? { 'gen_ai.input.messages': JSON.stringify(request.messages) } : {}),
  };
}

/** The same attributes for a Responses request (a `chat` operation too); the input items only with content capture. */
export function responsesSpanAttributes(
  request: OpenAIResponsesRequest,
  input: readonly ResponsesInputItem[],
  captureContent: boolean,
): Record<string, AttributeValue | undefined> {
  return {
    'gen_ai.request.temperature': request.temperature ?? undefined,
    'gen_ai.request.top_p': request.top_p ?? undefined,
    'gen_ai.request.max_tokens': request.max_output_tokens ?? undefined,
    'gen_ai.request.stream': request.stream ?? false,
    ...(captureContent ? { 'gen_ai.input.messages': JSON.stringify(input) } : {}),
    ...(captureContent && request.instructions != null ? { 'gen_ai.system_instructions': JSON.stringify(request.instructions) } : {}),
  };
}
