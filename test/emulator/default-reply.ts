import {
  callTokens,
  candidate,
  FUNCTION_CALL_FINISH_MESSAGE,
  imageTokens,
  sendsText,
  textExtras,
  thoughtParts,
} from './default-candidate';
import { imagePart } from './default-media';
import { THOUGHT_TOKEN_COUNT, tokenCount, type ReplyPlan } from './default-plan';

type Json = Record<string, unknown>;
import { functionCallPart } from './default-tools';

export {
  newResponseId,
  planReply,
  THOUGHT_TEXT,
  THOUGHT_TOKEN_COUNT,
  tokenCount,
  type ReplyMode,
  type ReplyPlan,
} from './default-plan';

/**
 * usageMetadata in Google's field order; absent counts are omitted, never sent as 0. Image tokens are part of
 * candidatesTokenCount and listed, alone, in candidatesTokensDetails (test_google_image_and_text_output.yaml).
 */
export function usageMetadata(plan: ReplyPlan, candidatesTokenCount?: number, thoughtsTokenCount?: number, imageTokenCount?: number): Json {
  const total = plan.promptTokenCount + (candidatesTokenCount ?? 0) + (thoughtsTokenCount ?? 0);
  return {
    promptTokenCount: plan.promptTokenCount,
    ...(candidatesTokenCount === undefined ? {} : { candidatesTokenCount }),
    totalTokenCount: total,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.promptTokenCount }],
    ...(imageTokenCount === undefined ? {} : { candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: imageTokenCount }] }),
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
    case 'image-safety':
    case 'no-image':
      // vercel-ai/google-image-no-image-live.json: empty content, no safetyRatings, prompt-only usage.
      return {
        candidates: plan.texts.map((_, index) => ({ content: {}, finishReason: plan.mode === 'no-image' ? 'NO_IMAGE' : 'IMAGE_SAFETY', index })),
        usageMetadata: usageMetadata(plan),
        ...trailer,
      };
    case 'text':
    case 'tool':
      return undefined;
  }
}

function unaryCandidate(plan: ReplyPlan, text: string, index: number): Json {
  if (plan.mode === 'tool') {
    const parts = [...thoughtParts(plan), ...(plan.calls[index] ?? []).map(functionCallPart)];
    return candidate(index, { parts, finishReason: 'STOP', finishMessage: FUNCTION_CALL_FINISH_MESSAGE });
  }
  const signature = plan.thoughtSignature;
  const textParts = sendsText(plan) ? [signature ? { text, thoughtSignature: signature } : { text }] : [];
  const imageParts = plan.image ? [imagePart(plan.image.signature, plan.image.edited)] : [];
  const extras = sendsText(plan) ? textExtras(plan, text, text, true) : {};
  return candidate(index, { parts: [...thoughtParts(plan), ...textParts, ...imageParts], finishReason: 'STOP', extras });
}

/** The default non-streaming GenerateContentResponse. */
export function buildGenerateContentResponse(plan: ReplyPlan): Json {
  const terminal = buildTerminalResponse(plan);
  if (terminal) return terminal;
  const candidates = plan.texts.map((text, index) => unaryCandidate(plan, text, index));
  const textTokens = sendsText(plan) ? plan.texts.reduce((sum, text) => sum + tokenCount(text), 0) : 0;
  const outputTokens = plan.mode === 'tool' ? plan.calls.reduce((sum, calls) => sum + callTokens(calls), 0) : textTokens + (imageTokens(plan) ?? 0);
  return {
    candidates,
    usageMetadata: usageMetadata(plan, outputTokens, plan.think ? THOUGHT_TOKEN_COUNT : undefined, imageTokens(plan)),
    modelVersion: plan.model,
    responseId: plan.responseId,
  };
}
