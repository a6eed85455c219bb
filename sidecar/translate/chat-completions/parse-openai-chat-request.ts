import type { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import { KNOWN_REQUEST_KEYS, openAIChatRequestSchema, type OpenAIChatRequest } from './openai-chat-schema';

/** A validated request and the top-level keys the sidecar does not know. */
export interface ParsedChatRequest {
  request: OpenAIChatRequest;
  unknownKeys: string[];
}

/** Validates an inbound body; the first problem becomes a 400 naming its `param` (e.g. `messages[1].role`). */
export function parseOpenAIChatRequest(body: unknown): ParsedChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.', null, 'invalid_body');
  }
  const result = openAIChatRequestSchema.safeParse(body);
  if (!result.success) throw zodIssueToError(result.error.issues[0]);
  const unknownKeys = Object.keys(body).filter((key) => !KNOWN_REQUEST_KEYS.has(key));
  return { request: result.data, unknownKeys };
}

function zodIssueToError(issue: z.core.$ZodIssue | undefined): InvalidRequestError {
  if (!issue) return new InvalidRequestError('Invalid request body.');
  const param = formatPath(issue.path);
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const message = missing ? `Missing required parameter: '${param}'.` : `Invalid value for '${param}': ${issue.message}.`;
  return new InvalidRequestError(message, param || null, missing ? 'missing_required_parameter' : 'invalid_value');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
