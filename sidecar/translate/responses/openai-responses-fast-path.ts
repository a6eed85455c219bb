import { everyElement, isNullish, isPlainRecord, nullishBoolean, nullishIntegerIn, nullishNumberIn, nullishString } from '../plain-checks';
import { openAIResponsesRequestSchema, type OpenAIResponsesRequest } from './openai-responses-schema';

// The usual Responses body, as the stock SDKs and agent frameworks send it, checked without zod: the schema stays the
// one definition of what is accepted, and every body this does not certainly accept (so every invalid one, whose 400
// therefore reads exactly as before) goes to it.

const SHAPE_KEYS = Object.keys(openAIResponsesRequestSchema.shape);

/** An input item: the schema's loose object with an optional string `type` and `role` (null is refused there). */
function plainItem(item: unknown): boolean {
  return isPlainRecord(item) && (item.type === undefined || typeof item.type === 'string') && (item.role === undefined || typeof item.role === 'string');
}

function plainInput(value: unknown): boolean {
  return typeof value === 'string' || everyElement(value, plainItem);
}

function plainTool(tool: unknown): boolean {
  return isPlainRecord(tool) && typeof tool.type === 'string';
}

function plainText(value: unknown): boolean {
  if (isNullish(value)) return true;
  if (!isPlainRecord(value) || !nullishString(value.verbosity)) return false;
  return isNullish(value.format) || (isPlainRecord(value.format) && typeof value.format.type === 'string');
}

function plainReasoning(value: unknown): boolean {
  return isNullish(value) || (isPlainRecord(value) && nullishString(value.effort) && nullishString(value.summary) && nullishString(value.generate_summary));
}

function plainMetadata(value: unknown): boolean {
  if (isNullish(value)) return true;
  if (!isPlainRecord(value)) return false;
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

/**
 * The request as the schema would output it (its known top-level keys; nested values as sent) when `body` is plainly
 * valid, so its zod parse can be skipped; undefined when zod must decide. Whatever this accepts, the schema accepts
 * with an equal result (property test).
 */
export function plainResponsesRequest(body: Record<string, unknown>): OpenAIResponsesRequest | undefined {
  const plain =
    typeof body.model === 'string' &&
    body.model.length > 0 &&
    (body.input === undefined || plainInput(body.input)) &&
    (isNullish(body.instructions) || plainInput(body.instructions)) &&
    (isNullish(body.tools) || everyElement(body.tools, plainTool)) &&
    nullishBoolean(body.parallel_tool_calls) &&
    plainText(body.text) &&
    plainReasoning(body.reasoning) &&
    nullishIntegerIn(body.max_output_tokens, 1) &&
    nullishNumberIn(body.temperature, 0, 2) &&
    nullishNumberIn(body.top_p, 0, 1) &&
    nullishIntegerIn(body.top_logprobs, 0, 20) &&
    plainMetadata(body.metadata) &&
    (isNullish(body.include) || everyElement(body.include, (item) => typeof item === 'string')) &&
    nullishBoolean(body.store) &&
    (isNullish(body.previous_response_id) || (typeof body.previous_response_id === 'string' && body.previous_response_id.length > 0)) &&
    nullishBoolean(body.stream) &&
    (isNullish(body.stream_options) || (isPlainRecord(body.stream_options) && nullishBoolean(body.stream_options.include_obfuscation))) &&
    nullishBoolean(body.background) &&
    (isNullish(body.truncation) || body.truncation === 'auto' || body.truncation === 'disabled') &&
    nullishString(body.service_tier) &&
    nullishIntegerIn(body.max_tool_calls);
  if (!plain) return undefined;
  const request: Record<string, unknown> = {};
  for (const key of SHAPE_KEYS) if (Object.hasOwn(body, key)) request[key] = body[key];
  return request as OpenAIResponsesRequest;
}
