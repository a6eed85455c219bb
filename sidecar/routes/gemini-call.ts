import { UpstreamUnreachableError } from '../errors/sidecar-error';
import type { GenAIOperation } from '../observability/genai-operation';
import type { AppDeps } from '../server/app-deps';
import {
  geminiGenerateContentResponseSchema,
  type GeminiGenerateContentResponse,
} from '../translate/chat-completions/gemini-generate-schema';
import { plainGeminiResponse } from '../translate/chat-completions/gemini-response-fast-path';

// The upstream call as every generateContent route makes it (chat completions, responses).

/** Runs the upstream call in the operation's span; a failure ends the operation (as a shutdown if the force stop cut it). */
export async function callGemini<T>(deps: Pick<AppDeps, 'lifecycle'>, operation: GenAIOperation, work: () => Promise<T>): Promise<T> {
  try {
    return await operation.run(work);
  } catch (thrown) {
    const error = deps.lifecycle.errorFor(thrown);
    operation.fail(error);
    throw error;
  }
}

/** A Gemini response or stream chunk, or undefined when it is not shaped like one. */
export function safeParseGeminiResponse(raw: unknown): GeminiGenerateContentResponse | undefined {
  const plain = plainGeminiResponse(raw);
  if (plain) return plain;
  const result = geminiGenerateContentResponseSchema.safeParse(raw);
  return result.success ? result.data : undefined;
}

export function badResponse(): UpstreamUnreachableError {
  return new UpstreamUnreachableError('Gemini answered with an unexpected response shape.', 'upstream_bad_response');
}
