import { z } from 'zod';
import { parseRequestBody } from '../parse-with-param';

/** `prompt` as OpenAI types it: text, texts, token ids, or lists of token ids. */
const promptSchema = z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))]);

/** Inbound `POST /v1/completions` body: every field the sidecar reads or knowingly ignores. */
export const openAICompletionsRequestSchema = z.object({
  model: z.string().min(1),
  prompt: promptSchema,
  suffix: z.string().nullish(),
  max_tokens: z.number().int().min(0).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().min(1).max(8).nullish(),
  best_of: z.number().int().min(0).max(20).nullish(),
  logprobs: z.number().int().min(0).max(5).nullish(),
  echo: z.boolean().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() }).nullish(),
  // Not an OpenAI completions field: lets a caller choose thinking on a thinking model (the default is the least).
  reasoning_effort: z.unknown().optional(),
  extra_body: z.unknown().optional(),
  google: z.unknown().optional(),
  // Accepted and dropped with a warning, as chat does.
  user: z.unknown().optional(),
  logit_bias: z.unknown().optional(),
});

/** A validated legacy completions request. */
export type OpenAICompletionsRequest = z.infer<typeof openAICompletionsRequestSchema>;

/** Validates an inbound completions body; the first problem becomes a 400 naming its `param`. */
export function parseOpenAICompletionsRequest(body: unknown): { request: OpenAICompletionsRequest; unknownKeys: string[] } {
  return parseRequestBody(openAICompletionsRequestSchema, body);
}
