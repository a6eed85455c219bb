import type { GeminiUsage } from '../translate/chat-completions/gemini-generate-schema';

/** What one operation used, as billed: the shape prices apply to and the per-consumer counters count. */
export interface TokenUsage {
  /** Prompt tokens, cached and tool-use prompt tokens included. */
  input: number;
  /** Output tokens, thinking included. */
  output: number;
  /** Of `output`, thinking tokens. */
  reasoning: number;
  /** Of `input`, tokens served from a context cache. */
  cached: number;
  /** Of `input`, audio tokens (priced apart on some models). */
  audioInput: number;
  /** Of `output`, image tokens (priced apart on image models). */
  imageOutput: number;
}

interface ModalityCount {
  modality?: unknown;
  tokenCount?: unknown;
}

/** Sum of `tokenCount` over the entries of a `*TokensDetails` list with the given modality. */
function modalityTokens(details: unknown, modality: string): number {
  if (!Array.isArray(details)) return 0;
  let sum = 0;
  for (const entry of details as ModalityCount[]) {
    if (entry?.modality === modality && typeof entry.tokenCount === 'number') sum += entry.tokenCount;
  }
  return sum;
}

/**
 * Gemini `usageMetadata` → billed usage. promptTokenCount already includes cachedContentTokenCount; candidates exclude
 * thoughts, which are billed as output (https://ai.google.dev/gemini-api/docs/pricing: "Output price (including thinking
 * tokens)"); tool-use prompt tokens are input. Same sums as the `usage` answered to the client (chat usage.ts).
 */
export function tokenUsageFromGemini(usage: GeminiUsage): TokenUsage {
  const reasoning = usage.thoughtsTokenCount ?? 0;
  const details = usage as { promptTokensDetails?: unknown; candidatesTokensDetails?: unknown };
  return {
    input: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    output: (usage.candidatesTokenCount ?? 0) + reasoning,
    reasoning,
    cached: usage.cachedContentTokenCount ?? 0,
    audioInput: modalityTokens(details.promptTokensDetails, 'AUDIO'),
    imageOutput: modalityTokens(details.candidatesTokensDetails, 'IMAGE'),
  };
}

/** Usage of an operation that only reads input (embeddings). */
export function inputOnlyUsage(input: number): TokenUsage {
  return { input, output: 0, reasoning: 0, cached: 0, audioInput: 0, imageOutput: 0 };
}

/** Usage of several calls billed as one operation (legacy completions: one call per prompt); undefined when none reported any. */
export function sumTokenUsage(usages: ReadonlyArray<TokenUsage | undefined>): TokenUsage | undefined {
  const reported = usages.filter((usage): usage is TokenUsage => usage !== undefined);
  if (reported.length === 0) return undefined;
  const sum = (key: keyof TokenUsage) => reported.reduce((total, usage) => total + usage[key], 0);
  return { input: sum('input'), output: sum('output'), reasoning: sum('reasoning'), cached: sum('cached'), audioInput: sum('audioInput'), imageOutput: sum('imageOutput') };
}
