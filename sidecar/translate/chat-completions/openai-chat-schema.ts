import { z } from 'zod';

/** A content part; only `type` is checked here, the translator decides what each type means. */
const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const contentSchema = z.union([z.string(), z.array(contentPartSchema)]).nullish();

/** Roles OpenAI defines for chat messages. */
export const OPENAI_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

/** Where gateways carry Gemini thought signatures: Google's `extra_content.google`, LiteLLM's provider fields. */
const signatureCarriers = {
  extra_content: z.looseObject({ google: z.looseObject({ thought_signature: z.string().nullish() }).nullish() }).nullish(),
  provider_specific_fields: z.looseObject({ thought_signature: z.string().nullish() }).nullish(),
};

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({
    name: z.string().min(1),
    arguments: z.string().nullish(),
    thought_signature: z.string().nullish(),
  }),
  ...signatureCarriers,
});

const messageSchema = z.looseObject({
  role: z.enum(OPENAI_ROLES),
  content: contentSchema,
  name: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  tool_call_id: z.string().nullish(),
  function_call: z.looseObject({ name: z.string().min(1), arguments: z.string().nullish() }).nullish(),
  thinking_blocks: z.array(z.looseObject({ signature: z.string().nullish() })).nullish(),
  ...signatureCarriers,
});

/** Inbound `POST /v1/chat/completions` body: every field the sidecar reads or knowingly ignores. */
export const openAIChatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z.number().int().min(1).max(8).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  modalities: z.array(z.string()).nullish(),
  // Read by the translator, which decides whether it can honour them.
  tools: z.unknown().optional(),
  tool_choice: z.unknown().optional(),
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
  response_format: z.unknown().optional(),
  reasoning_effort: z.unknown().optional(),
  audio: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  extra_body: z.unknown().optional(),
  // The Python SDK merges extra_body into the JSON, so `extra_body={"google": …}` arrives as a top-level key.
  google: z.unknown().optional(),
  // Accepted and dropped with a warning: Gemini has no equivalent and the answer means the same without them.
  user: z.unknown().optional(),
  logit_bias: z.unknown().optional(),
  metadata: z.unknown().optional(),
  store: z.unknown().optional(),
  service_tier: z.unknown().optional(),
  parallel_tool_calls: z.unknown().optional(),
  prediction: z.unknown().optional(),
  safety_identifier: z.unknown().optional(),
  prompt_cache_key: z.unknown().optional(),
  verbosity: z.unknown().optional(),
});

/** A validated chat completion request. */
export type OpenAIChatRequest = z.infer<typeof openAIChatRequestSchema>;
/** One validated message. */
export type OpenAIChatMessage = z.infer<typeof messageSchema>;
/** One validated content part. */
export type OpenAIContentPart = z.infer<typeof contentPartSchema>;
/** One assistant tool call as a client sends it back. */
export type OpenAIToolCall = z.infer<typeof toolCallSchema>;
