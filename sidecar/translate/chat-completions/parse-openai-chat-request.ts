import { parseRequestBody } from '../parse-with-param';
import { plainChatRequest } from './openai-chat-fast-path';
import { openAIChatRequestSchema, type OpenAIChatRequest } from './openai-chat-schema';

/** A validated request and the top-level keys the sidecar does not know. */
export interface ParsedChatRequest {
  request: OpenAIChatRequest;
  unknownKeys: string[];
}

/** Validates an inbound chat body; the first problem becomes a 400 naming its `param` (e.g. `messages[1].role`). */
export function parseOpenAIChatRequest(body: unknown): ParsedChatRequest {
  return parseRequestBody(openAIChatRequestSchema, body, plainChatRequest);
}
