import type { OpenAIFinishReason } from './finish-reason';
import type { OpenAIUsage } from './usage';

/** Google's carrier for Gemini-only data on OpenAI objects (its compat layer's convention). */
export interface GoogleExtraContent {
  google: { thought_signature: string };
}

/** A tool call the model made. */
export interface OpenAIResponseToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  extra_content?: GoogleExtraContent;
}

/** An image from an image model, as OpenRouter and LiteLLM return it. */
export interface OpenAIImage {
  type: 'image_url';
  image_url: { url: string };
  index?: number;
}

/** A web citation from Gemini grounding. */
export interface OpenAIUrlCitation {
  type: 'url_citation';
  url_citation: { url: string; title: string; start_index: number; end_index: number };
}

/** One token of `logprobs.content[]`. */
export interface OpenAITokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

/**
 * `choices[].logprobs`. `refusal` is always a list (empty: Gemini has no refusal tokens), never null: the OpenAI
 * reference types it as an array of token logprobs, and clients that decode it into a non-nullable list reject null.
 */
export interface OpenAILogprobs {
  content: OpenAITokenLogprob[];
  refusal: OpenAITokenLogprob[];
}

/** `choices[].message` of a chat completion. */
export interface OpenAIAssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  reasoning_content?: string;
  tool_calls?: OpenAIResponseToolCall[];
  images?: OpenAIImage[];
  annotations?: OpenAIUrlCitation[];
  extra_content?: GoogleExtraContent;
}

/** One non-streamed choice. */
export interface OpenAIChatChoice {
  index: number;
  message: OpenAIAssistantMessage;
  logprobs: OpenAILogprobs | null;
  finish_reason: OpenAIFinishReason;
  native_finish_reason?: string;
}

/** `chat.completion` object. */
export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: OpenAIChatChoice[];
  usage: OpenAIUsage;
}

/** `choices[].delta` of a stream chunk. */
export interface OpenAIChatDelta {
  role?: 'assistant';
  content?: string | null;
  reasoning_content?: string;
  tool_calls?: Array<OpenAIResponseToolCall & { index: number }>;
  images?: OpenAIImage[];
  annotations?: OpenAIUrlCitation[];
  extra_content?: GoogleExtraContent;
}

/** One streamed choice. */
export interface OpenAIChunkChoice {
  index: number;
  delta: OpenAIChatDelta;
  logprobs: OpenAILogprobs | null;
  finish_reason: OpenAIFinishReason | null;
  native_finish_reason?: string;
}

/** `chat.completion.chunk` object. */
export interface OpenAIChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: OpenAIChunkChoice[];
  usage?: OpenAIUsage | null;
}

/** What every response of one request shares. */
export interface ResponseContext {
  /** The model name exactly as the caller sent it. */
  model: string;
  /** Unix seconds. */
  created: number;
  /** Used when Gemini sends no responseId. */
  fallbackId: string;
}

/** An id for a tool call Gemini sent without one (Gemini 2.5 does not number its calls). */
export function generatedToolCallId(context: ResponseContext, position: number): string {
  return `call_${context.fallbackId.replace(/^chatcmpl-/, '').slice(0, 24)}_${position}`;
}

/** `chatcmpl-` + Gemini's responseId, so one id ties all chunks of a response together. */
export function completionId(responseId: string | null | undefined, context: ResponseContext): string {
  return responseId ? `chatcmpl-${responseId}` : context.fallbackId;
}
