import { randomBytes } from 'node:crypto';
import type { EmulatorGenerateRequest } from './validate-generate-request';

/** What the default Gemini decides to answer, from markers in the last user text. */
export type ReplyMode = 'text' | 'block' | 'safety' | 'max';

/** Everything needed to render the default answer as one body or as SSE chunks. */
export interface ReplyPlan {
  model: string;
  responseId: string;
  mode: ReplyMode;
  think: boolean;
  /** Reply text per candidate. */
  texts: string[];
  promptTokenCount: number;
  /** thoughtsTokenCount reported for a MAX_TOKENS reply. */
  maxTokensThoughts: number;
  /** Set for gemini-3 models, which sign their text answers. */
  thoughtSignature?: string;
}

/** Text of the thought part sent when the prompt contains `[think]`. */
export const THOUGHT_TEXT = 'Thinking about it';
/** thoughtsTokenCount reported when the prompt contains `[think]`. */
export const THOUGHT_TOKEN_COUNT = 7;

type Json = Record<string, unknown>;

/** Emulated tokenizer: one token per 4 characters, rounded up. */
export function tokenCount(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A random id shaped like Google's responseId (22 base64url characters). */
export function newResponseId(): string {
  return randomBytes(17).toString('base64url').slice(0, 22);
}

function textsOf(parts: Array<Record<string, unknown>> | undefined): string[] {
  return (parts ?? []).flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
}

function lastUserText(request: EmulatorGenerateRequest): string {
  for (const content of [...request.contents].reverse()) {
    if (content.role === 'model') continue;
    const text = [...content.parts].reverse().find((part) => typeof part.text === 'string' && part.thought !== true)?.text;
    if (typeof text === 'string') return text;
  }
  return '';
}

function modeOf(text: string): ReplyMode {
  if (text.includes('[block]')) return 'block';
  if (text.includes('[safety]')) return 'safety';
  if (text.includes('[max]')) return 'max';
  return 'text';
}

/** Decides the deterministic default answer for a validated request. */
export function planReply(request: EmulatorGenerateRequest, model: string): ReplyPlan {
  const userText = lastUserText(request);
  const config = request.generationConfig;
  const requested = config.candidateCount ?? config.candidate_count;
  const candidateCount = typeof requested === 'number' && requested > 1 ? Math.floor(requested) : 1;
  const maxOutput = config.maxOutputTokens ?? config.max_output_tokens;
  const allText = [...request.contents.flatMap((content) => textsOf(content.parts)), ...textsOf(request.systemInstruction?.parts)];
  return {
    model,
    responseId: newResponseId(),
    mode: modeOf(userText),
    think: userText.includes('[think]'),
    texts: Array.from({ length: candidateCount }, (_, index) =>
      index === 0 ? `Echo: ${userText}` : `Echo: ${userText} (candidate ${index})`,
    ),
    promptTokenCount: Math.max(1, tokenCount(allText.join(''))),
    maxTokensThoughts: typeof maxOutput === 'number' ? maxOutput : 64,
    thoughtSignature: model.startsWith('gemini-3')
      ? Buffer.from(`emulator-thought-signature:${model}`).toString('base64')
      : undefined,
  };
}

/** usageMetadata in Google's field order; absent counts are omitted, never sent as 0. */
export function usageMetadata(plan: ReplyPlan, candidatesTokenCount?: number, thoughtsTokenCount?: number): Json {
  const total = plan.promptTokenCount + (candidatesTokenCount ?? 0) + (thoughtsTokenCount ?? 0);
  return {
    promptTokenCount: plan.promptTokenCount,
    ...(candidatesTokenCount === undefined ? {} : { candidatesTokenCount }),
    totalTokenCount: total,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.promptTokenCount }],
    ...(thoughtsTokenCount === undefined ? {} : { thoughtsTokenCount }),
  };
}

/** Safety ratings as Google reports them; `blocked` marks the category that stopped the answer. */
export function safetyRatings(blocked: boolean): Json[] {
  return [
    { category: 'HARM_CATEGORY_HATE_SPEECH', probability: blocked ? 'MEDIUM' : 'NEGLIGIBLE', ...(blocked ? { blocked } : {}) },
    { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  ];
}

/** Body for a prompt-blocked or a single-chunk (safety / max tokens) answer, identical in both transports. */
export function buildTerminalResponse(plan: ReplyPlan): Json | undefined {
  const trailer = { modelVersion: plan.model, responseId: plan.responseId };
  switch (plan.mode) {
    case 'block':
      return {
        promptFeedback: { blockReason: 'SAFETY', safetyRatings: safetyRatings(true) },
        usageMetadata: usageMetadata(plan),
        ...trailer,
      };
    case 'safety':
      return {
        candidates: plan.texts.map((_, index) => ({ content: {}, finishReason: 'SAFETY', index, safetyRatings: safetyRatings(true) })),
        usageMetadata: usageMetadata(plan),
        ...trailer,
      };
    case 'max':
      return {
        candidates: plan.texts.map((_, index) => ({ content: { role: 'model' }, finishReason: 'MAX_TOKENS', index })),
        usageMetadata: usageMetadata(plan, undefined, plan.maxTokensThoughts),
        ...trailer,
      };
    case 'text':
      return undefined;
  }
}

/** The default non-streaming GenerateContentResponse. */
export function buildGenerateContentResponse(plan: ReplyPlan): Json {
  const terminal = buildTerminalResponse(plan);
  if (terminal) return terminal;
  const candidates = plan.texts.map((text, index) => {
    const answer = plan.thoughtSignature ? { text, thoughtSignature: plan.thoughtSignature } : { text };
    const parts = plan.think ? [{ text: THOUGHT_TEXT, thought: true }, answer] : [answer];
    return { content: { parts, role: 'model' }, finishReason: 'STOP', index };
  });
  const candidatesTokens = plan.texts.reduce((sum, text) => sum + tokenCount(text), 0);
  return {
    candidates,
    usageMetadata: usageMetadata(plan, candidatesTokens, plan.think ? THOUGHT_TOKEN_COUNT : undefined),
    modelVersion: plan.model,
    responseId: plan.responseId,
  };
}
