import { z } from 'zod';

/** One input item; `type` (optional on the easy message form) decides how the translator reads the rest. */
const inputItemSchema = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

/** Inbound `POST /v1/responses` body: every field the sidecar reads or knowingly ignores. */
export const openAIResponsesRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItemSchema)]).optional(),
  instructions: z.union([z.string(), z.array(inputItemSchema)]).nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z.unknown().optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: z.looseObject({ type: z.string() }).nullish(), verbosity: z.string().nullish() }).nullish(),
  reasoning: z
    .looseObject({ effort: z.string().nullish(), summary: z.string().nullish(), generate_summary: z.string().nullish() })
    .nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  include: z.array(z.string()).nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_obfuscation: z.boolean().nullish() }).nullish(),
  background: z.boolean().nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  service_tier: z.string().nullish(),
  max_tool_calls: z.number().int().nullish(),
  // Accepted and dropped with a warning, as for chat: the answer means the same without them.
  user: z.unknown().optional(),
  safety_identifier: z.unknown().optional(),
  prompt_cache_key: z.unknown().optional(),
  prompt_cache_retention: z.unknown().optional(),
  // Refused with a 400 naming them: they need state or features the sidecar does not have.
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
});

/** A validated Responses request. */
export type OpenAIResponsesRequest = z.infer<typeof openAIResponsesRequestSchema>;
/** One input item as validated (the rest of its fields are read by the translator). */
export type ResponsesInputItem = z.infer<typeof inputItemSchema> & Record<string, unknown>;
