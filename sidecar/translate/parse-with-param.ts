import type { z } from 'zod';
import { InvalidRequestError } from '../errors/sidecar-error';
import { assertJsonDepth } from './json-depth';

/** Validates `value`; the first zod issue becomes a 400 whose `param` is the JSON path below `param` (e.g. `messages[1].role`). */
export function parseWithParam<Schema extends z.ZodType>(schema: Schema, value: unknown, param = ''): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    param,
  );
  if (issue?.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    throw new InvalidRequestError(`Missing required parameter: '${path}'.`, path || null, 'missing_required_parameter');
  }
  throw new InvalidRequestError(`Invalid value for '${path}': ${issue?.message ?? 'invalid input'}.`, path || null, 'invalid_value');
}

/**
 * Validates a whole request body (must be a JSON object) and lists the top-level keys the schema does not know.
 * `fastPath` may skip the zod parse of a plainly valid body (e.g. chat-completions/openai-chat-fast-path.ts).
 */
export function parseRequestBody<Schema extends z.ZodObject>(
  schema: Schema,
  body: unknown,
  fastPath?: (body: Record<string, unknown>) => z.output<Schema> | undefined,
): { request: z.output<Schema>; unknownKeys: string[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.', null, 'invalid_body');
  }
  assertJsonDepth(body, null);
  // A fast path answers only for bodies the schema certainly accepts, with the schema's output; otherwise zod parses.
  const request = fastPath?.(body as Record<string, unknown>) ?? parseWithParam(schema, body);
  const known = schema.shape as Record<string, unknown>;
  return { request, unknownKeys: Object.keys(body).filter((key) => !Object.hasOwn(known, key)) };
}
