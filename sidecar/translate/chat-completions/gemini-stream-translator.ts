import { readCandidateContent } from './candidate-content';
import { mapGeminiFinishReason, needsNativeFinishReason } from './finish-reason';
import {
  geminiGroundingToAnnotations,
  geminiImagesToOpenAI,
  geminiLogprobsToOpenAI,
  geminiToolCallsToOpenAI,
} from './gemini-extras-to-openai';
import type { GeminiGenerateContentResponse, GeminiUsage } from './gemini-generate-schema';
import {
  completionId,
  type OpenAIChatCompletionChunk,
  type OpenAIChatDelta,
  type OpenAIChunkChoice,
  type ResponseContext,
} from './openai-chat-response';
import { geminiUsageToOpenAI, type OpenAIUsage } from './usage';

interface ChoiceState {
  roleSent: boolean;
  toolCalls: number;
  images: number;
  finished: boolean;
}

/** Outcome of the end of the upstream stream. */
export interface StreamFinish {
  chunks: OpenAIChatCompletionChunk[];
  /** False when Gemini ended the stream before every choice had a finishReason: the answer is truncated. */
  complete: boolean;
}

/**
 * Per-request state machine: Gemini stream chunks in, `chat.completion.chunk` objects out, no I/O.
 * Gemini repeats cumulative usageMetadata on every chunk (the last one wins) and may put STOP in a trailing chunk
 * after a functionCall, so the finish reason is decided per choice over the whole stream.
 */
export class GeminiStreamTranslator {
  readonly warnings: string[] = [];
  /** OpenAI finish_reason of each choice, in the order they finished. */
  readonly finishReasons: string[] = [];
  /** Gemini's responseId and modelVersion, from the chunks seen so far. */
  responseId: string | undefined;
  modelVersion: string | undefined;
  private readonly choices = new Map<number, ChoiceState>();
  private id: string | undefined;
  private lastUsage: GeminiUsage | null | undefined;
  private promptBlocked = false;
  private generatedIds = 0;

  constructor(
    private readonly context: ResponseContext,
    private readonly includeUsage: boolean,
  ) {}

  /** Translates one Gemini chunk; returns the OpenAI chunks to send now (possibly none). */
  push(chunk: GeminiGenerateContentResponse): OpenAIChatCompletionChunk[] {
    this.id ??= completionId(chunk.responseId, this.context);
    this.responseId ??= chunk.responseId ?? undefined;
    this.modelVersion ??= chunk.modelVersion ?? undefined;
    if (chunk.usageMetadata) this.lastUsage = chunk.usageMetadata;
    const candidates = chunk.candidates ?? [];
    const out: OpenAIChatCompletionChunk[] = [];
    const blockReason = chunk.promptFeedback?.blockReason;
    if (candidates.length === 0 && blockReason && !this.promptBlocked && !this.choices.get(0)?.finished) {
      this.promptBlocked = true;
      this.choices.set(0, { roleSent: true, toolCalls: 0, images: 0, finished: true });
      out.push(this.chunk({
        index: 0,
        delta: { role: 'assistant', content: null },
        logprobs: null,
        finish_reason: 'content_filter',
        native_finish_reason: `PROMPT_BLOCKED:${blockReason}`,
      }));
      this.finishReasons.push('content_filter');
    }
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const state = this.stateFor(index);
      if (state.finished) {
        this.warnings.push(`Gemini sent content for choice ${index} after its finishReason`);
        return;
      }
      const content = readCandidateContent(candidate);
      for (const kind of content.unsupported) this.warnings.push(`dropped Gemini part '${kind}'`);
      const delta: OpenAIChatDelta = state.roleSent ? {} : { role: 'assistant', content: '' };
      if (content.reasoning.length > 0) delta.reasoning_content = content.reasoning;
      if (content.text.length > 0) delta.content = content.text;
      if (content.toolCalls.length > 0) {
        // Gemini sends each call whole in one part; OpenAI clients need a stable per-choice index from 0.
        const calls = geminiToolCallsToOpenAI(content.toolCalls, this.context, this.generatedIds);
        this.generatedIds += calls.length;
        delta.tool_calls = calls.map((call, offset) => ({ index: state.toolCalls + offset, ...call }));
        state.toolCalls += calls.length;
      }
      if (content.images.length > 0) {
        delta.images = geminiImagesToOpenAI(content.images, state.images);
        state.images += content.images.length;
      }
      const annotations = geminiGroundingToAnnotations(candidate.groundingMetadata);
      if (annotations.length > 0) delta.annotations = annotations;
      if (content.textSignature) delta.extra_content = { google: { thought_signature: content.textSignature } };
      const logprobs = geminiLogprobsToOpenAI(candidate.logprobsResult);
      const choice: OpenAIChunkChoice = { index, delta, logprobs, finish_reason: null };
      if (candidate.finishReason) {
        const mapped = mapGeminiFinishReason(candidate.finishReason, state.toolCalls > 0);
        if (!mapped.known) this.warnings.push(`unknown Gemini finishReason '${candidate.finishReason}'`);
        choice.finish_reason = mapped.finish_reason;
        this.finishReasons.push(mapped.finish_reason);
        if (needsNativeFinishReason(candidate.finishReason)) choice.native_finish_reason = candidate.finishReason;
        state.finished = true;
      }
      // Gemini 3 may close with an empty text part: nothing to send unless it carried a signature or a finish.
      if (Object.keys(delta).length === 0 && choice.finish_reason === null && logprobs === null) return;
      state.roleSent = true;
      out.push(this.chunk(choice));
    });
    return out;
  }

  /** Usage from the last usageMetadata seen, or undefined when Gemini sent none. */
  usage(): OpenAIUsage | undefined {
    return this.lastUsage ? geminiUsageToOpenAI(this.lastUsage) : undefined;
  }

  /** Call when Gemini's stream ended cleanly; adds the usage chunk when asked for and reports truncation. */
  finish(): StreamFinish {
    const states = [...this.choices.values()];
    const complete = states.length > 0 && states.every((state) => state.finished);
    if (!complete) return { chunks: [], complete: false };
    if (!this.includeUsage) return { chunks: [], complete: true };
    return {
      chunks: [{ ...this.base(), choices: [], usage: geminiUsageToOpenAI(this.lastUsage) }],
      complete: true,
    };
  }

  private stateFor(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { roleSent: false, toolCalls: 0, images: 0, finished: false };
      this.choices.set(index, state);
    }
    return state;
  }

  private base() {
    return {
      id: this.id ?? this.context.fallbackId,
      object: 'chat.completion.chunk' as const,
      created: this.context.created,
      model: this.context.model,
    };
  }

  private chunk(choice: OpenAIChunkChoice): OpenAIChatCompletionChunk {
    return { ...this.base(), choices: [choice], ...(this.includeUsage ? { usage: null } : {}) };
  }
}
