import { everyElement, isNullish, isPlainRecord, nullishBoolean, nullishIntegerIn, nullishNumberIn, nullishString } from '../plain-checks';
import { OPENAI_ROLES, openAIChatRequestSchema, type OpenAIChatRequest } from './openai-chat-schema';

// The usual chat body: a model, messages with string or text-part content, and the sampling parameters. Tool-call
// history, function calls, thinking blocks and signature carriers go to the zod schema, which stays the one definition
// of what is accepted; so do all invalid bodies, whose 400s therefore read exactly as before.

const ROLES: ReadonlySet<unknown> = new Set(OPENAI_ROLES);
const SHAPE_KEYS = Object.keys(openAIChatRequestSchema.shape);

function plainPart(part: unknown): boolean {
  return isPlainRecord(part) && typeof part.type === 'string' && (part.text === undefined || typeof part.text === 'string');
}

function plainMessage(message: unknown): boolean {
  if (!isPlainRecord(message) || !ROLES.has(message.role)) return false;
  const content = message.content;
  if (!isNullish(content) && typeof content !== 'string' && !everyElement(content, plainPart)) return false;
  return (
    nullishString(message.name) &&
    nullishString(message.tool_call_id) &&
    isNullish(message.tool_calls) &&
    isNullish(message.function_call) &&
    isNullish(message.thinking_blocks) &&
    isNullish(message.extra_content) &&
    isNullish(message.provider_specific_fields)
  );
}

function plainStreamOptions(value: unknown): boolean {
  if (isNullish(value)) return true;
  // The schema's z.object drops unknown keys here; only an exact match is passed through unchanged.
  if (!isPlainRecord(value) || !nullishBoolean(value.include_usage)) return false;
  for (const key in value) if (key !== 'include_usage') return false;
  return true;
}

function plainStop(value: unknown): boolean {
  return nullishString(value) || everyElement(value, (item) => typeof item === 'string');
}

/**
 * The request as the schema would output it (the known top-level keys, in the schema's order; messages as sent)
 * when `body` is plainly valid, so its zod parse can be skipped; undefined when zod must decide. Whatever this
 * accepts, the schema accepts with an equal result (property test over the fuzz arbitraries).
 */
export function plainChatRequest(body: Record<string, unknown>): OpenAIChatRequest | undefined {
  const plain =
    typeof body.model === 'string' &&
    body.model.length > 0 &&
    Array.isArray(body.messages) &&
    body.messages.length > 0 &&
    everyElement(body.messages, plainMessage) &&
    nullishBoolean(body.stream) &&
    plainStreamOptions(body.stream_options) &&
    nullishNumberIn(body.temperature, 0, 2) &&
    nullishNumberIn(body.top_p, 0, 1) &&
    nullishIntegerIn(body.max_tokens, 1) &&
    nullishIntegerIn(body.max_completion_tokens, 1) &&
    plainStop(body.stop) &&
    nullishIntegerIn(body.n, 1, 8) &&
    nullishIntegerIn(body.seed) &&
    nullishNumberIn(body.presence_penalty, -2, 2) &&
    nullishNumberIn(body.frequency_penalty, -2, 2) &&
    nullishBoolean(body.logprobs) &&
    nullishIntegerIn(body.top_logprobs, 0, 20) &&
    (isNullish(body.modalities) || everyElement(body.modalities, (item) => typeof item === 'string'));
  if (!plain) return undefined;
  const request: Record<string, unknown> = {};
  for (const key of SHAPE_KEYS) if (Object.hasOwn(body, key)) request[key] = body[key];
  return request as OpenAIChatRequest;
}
