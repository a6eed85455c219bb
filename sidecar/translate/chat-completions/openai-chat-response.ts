import type { OpenAIFinishReason } from './finish-reason';
import type { OpenAIUsage } from './usage';

/** `choices[].message` of a chat completion. */
export interface OpenAIAssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  reasoning_content?: string;
}

/** One non-streamed choice. */
export interface OpenAIChatChoice {
  index: number;
  message: OpenAIAssistantMessage;
  logprobs: null;
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
}

/** One streamed choice. */
export interface OpenAIChunkChoice {
  index: number;
  delta: OpenAIChatDelta;
  logprobs: null;
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

/** `chatcmpl-` + Gemini's responseId, so one id ties all chunks of a response together. */
export function completionId(responseId: string | null | undefined, context: ResponseContext): string {
  return responseId ? `chatcmpl-${responseId}` : context.fallbackId;
}
