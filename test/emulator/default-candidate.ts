import { groundingMetadata } from './default-grounding';
import { IMAGE_TOKEN_COUNT } from './default-media';
import { logprobsFields } from './default-logprobs';
import { THOUGHT_TEXT, type ReplyPlan } from './default-plan';
import { functionCallPart, type PlannedCall } from './default-tools';

type Json = Record<string, unknown>;

/** finishMessage Google adds to a unary function-call answer (vercel-ai/google-tool-call.json). */
export const FUNCTION_CALL_FINISH_MESSAGE = 'Model generated function call(s).';

/** What one candidate of one response or chunk holds. */
export interface CandidateFields {
  parts: Json[];
  finishReason?: string;
  finishMessage?: string;
  /** groundingMetadata / avgLogprobs / logprobsResult, already in Google's order. */
  extras?: Json;
}

/** A candidate in Google's field order: content, finishReason, index, finishMessage, then metadata. */
export function candidate(index: number, fields: CandidateFields): Json {
  return {
    content: { parts: fields.parts, role: 'model' },
    ...(fields.finishReason ? { finishReason: fields.finishReason } : {}),
    index,
    ...(fields.finishMessage ? { finishMessage: fields.finishMessage } : {}),
    ...fields.extras,
  };
}

/** The thought-summary part, when the plan thinks. */
export function thoughtParts(plan: ReplyPlan): Json[] {
  return plan.think ? [{ text: THOUGHT_TEXT, thought: true }] : [];
}

/** True unless an image model was asked for `["IMAGE"]` only. */
export function sendsText(plan: ReplyPlan): boolean {
  return plan.image?.withText ?? true;
}

/** Grounding (on the finishing piece) and logprobs for a piece of reply text. */
export function textExtras(plan: ReplyPlan, text: string, fullText: string, finishing: boolean): Json {
  return {
    ...(finishing && plan.searchQuery !== undefined ? { groundingMetadata: groundingMetadata(plan.searchQuery, fullText) } : {}),
    ...(plan.logprobs !== undefined ? logprobsFields(text, plan.logprobs) : {}),
  };
}

/** Output tokens of a list of function calls. */
export function callTokens(calls: PlannedCall[]): number {
  return calls.reduce((sum, call) => sum + Math.ceil(JSON.stringify(functionCallPart(call).functionCall).length / 4), 0);
}

/** Image output tokens across all candidates, undefined when there is no image. */
export function imageTokens(plan: ReplyPlan): number | undefined {
  return plan.image ? IMAGE_TOKEN_COUNT * plan.texts.length : undefined;
}
