import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiUsage } from './gemini-generate-schema';

// `n > 1` on a model that refuses candidateCount is served by n parallel calls. These functions make their answers
// look like one multi-candidate answer: call i's candidate becomes candidate i, and usage is the sum over calls
// (every call is billed, prompt included).

const COUNTS = ['promptTokenCount', 'candidatesTokenCount', 'thoughtsTokenCount', 'toolUsePromptTokenCount', 'cachedContentTokenCount', 'totalTokenCount'] as const;

/** Sums the token counts of several usageMetadata objects; a count none of them has stays absent. */
export function sumUsage(usages: ReadonlyArray<GeminiUsage | null | undefined>): GeminiUsage | undefined {
  const present = usages.filter((usage): usage is GeminiUsage => usage != null);
  if (present.length === 0) return undefined;
  const sum: GeminiUsage = {};
  for (const key of COUNTS) {
    const values = present.map((usage) => usage[key]).filter((value): value is number => typeof value === 'number');
    if (values.length > 0) sum[key] = values.reduce((total, value) => total + value, 0);
  }
  return sum;
}

/** A call whose prompt was blocked has no candidate; its choice still exists, ended by the filter. */
function blockedCandidate(index: number): GeminiCandidate {
  return { index, content: null, finishReason: 'SAFETY' };
}

/** Unary: n responses (in call order) → one response with n candidates. */
export function mergeFannedOutResponses(responses: readonly GeminiGenerateContentResponse[]): GeminiGenerateContentResponse {
  const first = responses[0] ?? {};
  const candidates = responses.map((response, index) => {
    const candidate = response.candidates?.[0];
    return candidate ? { ...candidate, index } : blockedCandidate(index);
  });
  return {
    ...first,
    candidates,
    promptFeedback: null,
    usageMetadata: sumUsage(responses.map((response) => response.usageMetadata)) ?? null,
  };
}

/**
 * Streaming: chunks of n interleaved streams → chunks of one stream. Each stream's usage is cumulative, so every
 * relabelled chunk carries the sum of each stream's latest usage.
 */
export class CandidateFanIn {
  private readonly latestUsage: Array<GeminiUsage | undefined>;
  private readonly blocked = new Set<number>();

  constructor(readonly calls: number) {
    this.latestUsage = Array.from({ length: calls }, () => undefined);
  }

  /** Chunk of stream `call` → the chunk to translate. */
  relabel(call: number, chunk: GeminiGenerateContentResponse): GeminiGenerateContentResponse {
    if (chunk.usageMetadata) this.latestUsage[call] = chunk.usageMetadata;
    const usageMetadata = chunk.usageMetadata ? (sumUsage(this.latestUsage) ?? null) : chunk.usageMetadata;
    const candidates = (chunk.candidates ?? []).slice(0, 1).map((candidate) => ({ ...candidate, index: call }));
    if (candidates.length === 0 && chunk.promptFeedback?.blockReason && !this.blocked.has(call)) {
      // A blocked call's choice ends filtered; the other calls' choices go on.
      this.blocked.add(call);
      return { ...chunk, promptFeedback: null, candidates: [blockedCandidate(call)], usageMetadata };
    }
    return { ...chunk, candidates, usageMetadata };
  }
}
