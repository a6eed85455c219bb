import type { OpenAIFinishReason } from '../chat-completions/finish-reason';
import type { OpenAIChatCompletion, OpenAIChatCompletionChunk, OpenAILogprobs } from '../chat-completions/openai-chat-response';
import type { OpenAIUsage } from '../chat-completions/usage';

// Legacy completions are rendered from the chat translation's own objects: the Gemini answer is read once, by chat,
// and this file only reshapes a chat.completion (or chunk) into a text_completion.

/** `choices[].logprobs` of a legacy completion: parallel arrays, top alternatives as token → logprob maps. */
export interface OpenAICompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
  text_offset: number[];
}

/** One legacy completion choice. */
export interface OpenAICompletionChoice {
  text: string;
  index: number;
  logprobs: OpenAICompletionLogprobs | null;
  finish_reason: OpenAIFinishReason | null;
  native_finish_reason?: string;
}

/** `text_completion` object (unary and stream chunk alike). */
export interface OpenAITextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: OpenAICompletionChoice[];
  usage?: OpenAIUsage | null;
}

/** Where one prompt's choices sit among all the request's choices: index = prompt × n + j. */
export interface ChoicePlacement {
  promptIndex: number;
  n: number;
  /** The prompt text when `echo` is on (prepended to the first text of each choice). */
  echo?: string;
}

/** `cmpl-` ids, as OpenAI's; the chat id's suffix (Gemini's responseId) is kept. */
export function completionIdFromChat(chatId: string): string {
  return `cmpl-${chatId.replace(/^chatcmpl-/, '')}`;
}

/** A unary chat.completion for one prompt → that prompt's legacy choices. */
export function chatCompletionToTextChoices(completion: OpenAIChatCompletion, placement: ChoicePlacement): OpenAICompletionChoice[] {
  return completion.choices.map((choice) => {
    const text = choice.message.content ?? '';
    const offset = placement.echo?.length ?? 0;
    return {
      text: `${placement.echo ?? ''}${text}`,
      index: placement.promptIndex * placement.n + choice.index,
      logprobs: chatLogprobsToCompletion(choice.logprobs, offset),
      finish_reason: choice.finish_reason,
      ...(choice.native_finish_reason ? { native_finish_reason: choice.native_finish_reason } : {}),
    };
  });
}

/** Per-stream state: the echo goes out once per choice, text offsets continue across chunks. */
export class ChatChunkToTextCompletion {
  private readonly offsets = new Map<number, number>();

  constructor(private readonly placement: ChoicePlacement) {}

  /** One chat chunk → the legacy chunk to send, or undefined when it carries nothing a legacy client reads. */
  push(chunk: OpenAIChatCompletionChunk): OpenAITextCompletion | undefined {
    const choices: OpenAICompletionChoice[] = [];
    for (const choice of chunk.choices) {
      const started = this.offsets.has(choice.index);
      const echo = started ? '' : (this.placement.echo ?? '');
      const offset = this.offsets.get(choice.index) ?? echo.length;
      const delta = choice.delta.content ?? '';
      const text = `${echo}${delta}`;
      this.offsets.set(choice.index, offset + delta.length);
      if (text === '' && choice.finish_reason === null && choice.logprobs === null) continue;
      choices.push({
        text,
        index: this.placement.promptIndex * this.placement.n + choice.index,
        logprobs: chatLogprobsToCompletion(choice.logprobs, offset),
        finish_reason: choice.finish_reason,
        ...(choice.native_finish_reason ? { native_finish_reason: choice.native_finish_reason } : {}),
      });
    }
    const usageChunk = chunk.choices.length === 0 && chunk.usage != null;
    if (choices.length === 0 && !usageChunk) return undefined;
    return {
      id: completionIdFromChat(chunk.id),
      object: 'text_completion',
      created: chunk.created,
      model: chunk.model,
      choices,
      ...(usageChunk ? { usage: chunk.usage } : {}),
    };
  }
}

/** Chat `logprobs.content[]` → the legacy parallel arrays; offsets count characters from `start`. */
export function chatLogprobsToCompletion(logprobs: OpenAILogprobs | null, start: number): OpenAICompletionLogprobs | null {
  if (!logprobs) return null;
  const result: OpenAICompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = start;
  for (const entry of logprobs.content) {
    result.tokens.push(entry.token);
    result.token_logprobs.push(entry.logprob);
    result.top_logprobs.push(Object.fromEntries(entry.top_logprobs.map((top) => [top.token, top.logprob])));
    result.text_offset.push(offset);
    offset += entry.token.length;
  }
  return result;
}

/** Usage of several prompts' calls, summed (each prompt is billed). */
export function sumOpenAIUsage(usages: readonly OpenAIUsage[]): OpenAIUsage {
  const total: OpenAIUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
  for (const usage of usages) {
    total.prompt_tokens += usage.prompt_tokens;
    total.completion_tokens += usage.completion_tokens;
    total.total_tokens += usage.total_tokens;
    total.prompt_tokens_details.cached_tokens += usage.prompt_tokens_details.cached_tokens;
    total.completion_tokens_details.reasoning_tokens += usage.completion_tokens_details.reasoning_tokens;
  }
  return total;
}
