import type { CandidateContent } from '../chat-completions/candidate-content';
import { mapGeminiFinishReason, type OpenAIFinishReason } from '../chat-completions/finish-reason';
import { geminiGroundingToAnnotations } from '../chat-completions/gemini-extras-to-openai';
import type { GeminiGroundingMetadata, GeminiUsage } from '../chat-completions/gemini-generate-schema';
import { geminiUsageToOpenAI } from '../chat-completions/usage';
import { encodeSignatures, type TurnSignatures } from './signature-carrier';

// The pieces of a Responses answer, built from the same reading of a Gemini candidate as chat (candidate-content.ts).

export interface UrlCitation {
  type: 'url_citation';
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: UrlCitation[];
  logprobs: unknown[];
}

export interface RefusalContent {
  type: 'refusal';
  refusal: string;
}

export interface MessageItem {
  id: string;
  type: 'message';
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: Array<OutputText | RefusalContent>;
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: Array<{ type: 'summary_text'; text: string }>;
  encrypted_content?: string;
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed';
  arguments: string;
  call_id: string;
  name: string;
}

export type OutputItem = MessageItem | ReasoningItem | FunctionCallItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** How an answer ended, in Responses terms. */
export interface ResponseEnding {
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
}

/** Ids for the items of one response, derived from its id so they are unique and stable within it. */
export class ItemIds {
  private count = 0;
  constructor(private readonly responseId: string) {}
  next(prefix: 'msg' | 'rs' | 'fc' | 'call'): string {
    this.count += 1;
    return `${prefix}_${this.responseId.replace(/^resp_/, '')}${this.count.toString(16).padStart(2, '0')}`;
  }
}

/** Gemini usage → Responses usage (thinking is output, billed as such; tool-use prompt tokens are input). */
export function responsesUsage(usage: GeminiUsage | null | undefined): ResponsesUsage {
  const chat = geminiUsageToOpenAI(usage);
  return {
    input_tokens: chat.prompt_tokens,
    input_tokens_details: { cached_tokens: chat.prompt_tokens_details.cached_tokens },
    output_tokens: chat.completion_tokens,
    output_tokens_details: { reasoning_tokens: chat.completion_tokens_details.reasoning_tokens },
    total_tokens: chat.total_tokens,
  };
}

/** Finish reason → status: MAX_TOKENS is `incomplete/max_output_tokens`, filters are `incomplete/content_filter`. */
export function responseEnding(finishReason: string | null | undefined, blocked = false): ResponseEnding {
  if (blocked) return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  const mapped = finishReason ? mapGeminiFinishReason(finishReason, false).finish_reason : 'stop';
  if (mapped === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (mapped === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/**
 * The chat `finish_reason` of an answer (a Responses object only has a status), so metrics and spans count both APIs'
 * answers by the same values: a blocked prompt is `content_filter`, STOP after function calls `tool_calls`.
 */
export function chatFinishReason(finishReason: string | null | undefined, blocked: boolean, sawCalls: boolean): OpenAIFinishReason {
  if (blocked) return 'content_filter';
  return mapGeminiFinishReason(finishReason ?? 'STOP', sawCalls).finish_reason;
}

/** UTF-8 byte offset into `text` → UTF-16 index (Gemini counts grounding segments in bytes, OpenAI in characters). */
export function charIndex(text: string, byteOffset: number): number {
  const encoder = new TextEncoder();
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (bytes >= byteOffset) return index;
    const code = text.codePointAt(index) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    bytes += encoder.encode(String.fromCodePoint(code)).length;
    index += width - 1;
  }
  return text.length;
}

/** Search grounding → Responses `url_citation` annotations with character offsets into the answer text. */
export function responsesAnnotations(grounding: GeminiGroundingMetadata | null | undefined, text: string): UrlCitation[] {
  return geminiGroundingToAnnotations(grounding).map(({ url_citation: citation }) => ({
    type: 'url_citation',
    url: citation.url,
    title: citation.title,
    start_index: charIndex(text, citation.start_index),
    end_index: charIndex(text, citation.end_index),
  }));
}

/** The signatures an answer carries: its text signature, and each call's by the call_id it leaves with. */
export function turnSignatures(content: CandidateContent, callIds: readonly string[]): TurnSignatures {
  const calls: Record<string, string> = {};
  content.toolCalls.forEach((call, index) => {
    if (call.thoughtSignature && callIds[index]) calls[callIds[index]] = call.thoughtSignature;
  });
  return { ...(content.textSignature ? { text: content.textSignature } : {}), calls };
}

/** The trailing reasoning item that carries an answer's signatures, or undefined when it has none. */
export function signatureItem(ids: ItemIds, signatures: TurnSignatures): ReasoningItem | undefined {
  const encrypted = encodeSignatures(signatures);
  return encrypted ? { id: ids.next('rs'), type: 'reasoning', summary: [], encrypted_content: encrypted } : undefined;
}
