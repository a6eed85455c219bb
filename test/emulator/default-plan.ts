import { randomBytes } from 'node:crypto';
import { structuredText } from './default-json';
import { mediaNotes } from './default-media';
import { functionResponseText, planCalls, wantsFunctionCall, type PlannedCall } from './default-tools';
import { isGemini3OrLater, isImageModel } from './emulated-model';
import { field, recordField, type JsonObject } from './request-fields';
import { newThoughtSignature, type ThoughtSignatureLedger } from './thought-signatures';
import type { EmulatorGenerateRequest } from './validate-generate-request';

/**
 * What the default Gemini decides to answer: markers in the last user text, else tools, else an echo. Image output
 * adds `image-safety` (`[safety]`) and `no-image` (`[noimage]`), which end with IMAGE_SAFETY / NO_IMAGE and no parts.
 */
export type ReplyMode = 'text' | 'block' | 'safety' | 'max' | 'tool' | 'image-safety' | 'no-image';

/** Image output of an image model. */
export interface PlannedImage {
  /** False when `responseModalities` is `["IMAGE"]`. */
  withText: boolean;
  /** Gemini 3 image models sign every inlineData part. */
  signature?: string;
  /** Editing: the first input image of the turn, which the emulator hands back as the edited image. */
  edited?: { mimeType: string; data: string };
}

/** Everything needed to render the default answer as one body or as SSE chunks. */
export interface ReplyPlan {
  model: string;
  responseId: string;
  mode: ReplyMode;
  think: boolean;
  /** Reply text per candidate. */
  texts: string[];
  /** Function calls per candidate when mode is 'tool'. */
  calls: PlannedCall[][];
  promptTokenCount: number;
  /** thoughtsTokenCount reported for a MAX_TOKENS reply. */
  maxTokensThoughts: number;
  /** Set for gemini-3 text answers, which sign their last part. */
  thoughtSignature?: string;
  /** Set for image models asked for (or defaulting to) IMAGE output. */
  image?: PlannedImage;
  /** Top candidates per token when `responseLogprobs` is on. */
  logprobs?: number;
  /** The search query to ground on when the googleSearch tool is enabled. */
  searchQuery?: string;
}

/** Text of the thought part sent when the prompt contains `[think]` or thinkingConfig.includeThoughts is on. */
export const THOUGHT_TEXT = 'Thinking about it';
/** thoughtsTokenCount reported with a thought part. */
export const THOUGHT_TOKEN_COUNT = 7;

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

function markerMode(text: string, imageOutput: boolean): ReplyMode {
  if (text.includes('[block]')) return 'block';
  if (text.includes('[safety]')) return imageOutput ? 'image-safety' : 'safety';
  if (text.includes('[max]')) return 'max';
  if (text.includes('[noimage]') && imageOutput) return 'no-image';
  return 'text';
}

function wantsThoughts(request: EmulatorGenerateRequest, userText: string): boolean {
  if (userText.includes('[think]')) return true;
  const thinking = recordField(request.generationConfig, 'thinkingConfig');
  // A zero budget switches thinking off, summaries included (https://ai.google.dev/gemini-api/docs/thinking).
  return thinking !== undefined && field(thinking, 'includeThoughts') === true && field(thinking, 'thinkingBudget') !== 0;
}

/** The response modalities an image model will produce, or [] when it produces no image. */
function imageModalities(request: EmulatorGenerateRequest, model: string): string[] {
  if (!isImageModel(model)) return [];
  const requested = field(request.generationConfig, 'responseModalities');
  const modalities = Array.isArray(requested) ? requested.map((modality) => String(modality).toUpperCase()) : ['TEXT', 'IMAGE'];
  return modalities.includes('IMAGE') ? modalities : [];
}

/** The first inlineData image of a turn: an edit request's input. */
function inputImage(parts: JsonObject[]): { mimeType: string; data: string } | undefined {
  for (const part of parts) {
    const inline = recordField(part, 'inlineData');
    const mimeType = inline ? field(inline, 'mimeType') : undefined;
    const data = inline ? field(inline, 'data') : undefined;
    if (typeof mimeType === 'string' && mimeType.startsWith('image/') && typeof data === 'string') return { mimeType, data };
  }
  return undefined;
}

function plannedImage(modalities: string[], model: string, sign: () => string, turn: JsonObject[]): PlannedImage | undefined {
  if (modalities.length === 0) return undefined;
  const edited = inputImage(turn);
  return { withText: modalities.includes('TEXT'), ...(isGemini3OrLater(model) ? { signature: sign() } : {}), ...(edited ? { edited } : {}) };
}

/** Decides the deterministic default answer for a validated request; signatures are issued through the ledger. */
export function planReply(request: EmulatorGenerateRequest, model: string, ledger?: ThoughtSignatureLedger): ReplyPlan {
  const sign = (): string => ledger?.issue() ?? newThoughtSignature();
  const gemini3 = isGemini3OrLater(model);
  const userText = lastUserText(request);
  const last = request.contents.at(-1);
  const turn = last && last.role !== 'model' ? last.parts : [];
  const result = functionResponseText(turn);
  const echo = [result ?? `Echo: ${userText}`, ...mediaNotes(turn)].join(' ');
  const config = request.generationConfig;
  const promptTexts = [...textsOf(request.systemInstruction?.parts), ...request.contents.flatMap((content) => textsOf(content.parts))];
  const structured = structuredText(config, promptTexts, userText);
  const reply = structured ?? echo;
  const modalities = imageModalities(request, model);
  const marked = markerMode(userText, modalities.length > 0);
  // ANY forces a call on every turn, tool results included (https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes).
  const forced = request.tools.mode === 'ANY';
  const asksTool = marked === 'text' && (forced || (result === undefined && turn.some((part) => typeof part.text === 'string')));
  const mode: ReplyMode = asksTool && wantsFunctionCall(request.tools) ? 'tool' : marked;
  const requested = field(config, 'candidateCount');
  const candidateCount = typeof requested === 'number' && requested > 1 ? Math.floor(requested) : 1;
  const maxOutput = field(config, 'maxOutputTokens');
  const allText = [...request.contents.flatMap((content) => textsOf(content.parts)), ...textsOf(request.systemInstruction?.parts)];
  const image = mode === 'text' ? plannedImage(modalities, model, sign, turn) : undefined;
  const logprobs = field(config, 'logprobs');
  return {
    model,
    responseId: newResponseId(),
    mode,
    think: wantsThoughts(request, userText),
    texts: Array.from({ length: candidateCount }, (_, index) => (index === 0 || structured !== undefined ? reply : `${reply} (candidate ${index})`)),
    calls: mode === 'tool' ? Array.from({ length: candidateCount }, () => planCalls(request.tools, userText, gemini3, sign)) : [],
    promptTokenCount: Math.max(1, tokenCount(allText.join(''))),
    maxTokensThoughts: typeof maxOutput === 'number' ? maxOutput : 64,
    ...(gemini3 && mode === 'text' && (image?.withText ?? true) ? { thoughtSignature: sign() } : {}),
    ...(image ? { image } : {}),
    ...(field(config, 'responseLogprobs') === true ? { logprobs: typeof logprobs === 'number' ? logprobs : 0 } : {}),
    ...(request.tools.googleSearch ? { searchQuery: userText } : {}),
  };
}
