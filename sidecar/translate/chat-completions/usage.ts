import type { GeminiUsage } from './gemini-generate-schema';

/** OpenAI `usage` object. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/**
 * Gemini `usageMetadata` → OpenAI `usage`. Gemini's candidatesTokenCount excludes thinking, which is billed as output,
 * so completion = candidates + thoughts; tool-use prompt tokens are input and join prompt_tokens.
 * https://ai.google.dev/gemini-api/docs/thinking (pricing note); totalTokenCount already sums all four.
 */
export function geminiUsageToOpenAI(usage: GeminiUsage | null | undefined): OpenAIUsage {
  const prompt = (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0);
  const reasoning = usage?.thoughtsTokenCount ?? 0;
  const completion = (usage?.candidatesTokenCount ?? 0) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
