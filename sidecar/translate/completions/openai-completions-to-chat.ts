import { InvalidRequestError } from '../../errors/sidecar-error';
import type { OpenAIChatMessage, OpenAIChatRequest } from '../chat-completions/openai-chat-schema';
import type { OpenAICompletionsRequest } from './openai-completions-schema';

/** OpenAI's default `max_tokens` for legacy completions (CreateCompletionRequest). */
export const DEFAULT_COMPLETION_MAX_TOKENS = 16;

/**
 * Fill-in-the-middle: Gemini has no suffix parameter, so the prefix and suffix go in one user turn under an instruction
 * to return only the missing middle (FIM clients such as Continue and Tabby insert the text as it is).
 */
export const FILL_IN_THE_MIDDLE_INSTRUCTION =
  'You fill in the middle of a document. The user sends the text before the gap in <prefix> and the text after it in <suffix>. ' +
  'Reply with only the text that belongs in the gap: no explanations, no code fences, no repetition of the prefix or suffix.';

/** The chat requests a completions request becomes: one per prompt, each answering `n` choices. */
export interface CompletionsAsChat {
  prompts: string[];
  chatRequests: OpenAIChatRequest[];
  /** Choices per prompt. */
  n: number;
  echo: boolean;
  /** Request params (JSON paths) accepted but not sent on. */
  warnings: string[];
}

/**
 * Legacy completions request → chat requests the chat translation turns into Gemini calls. Each prompt string is an
 * independent request (OpenAI answers `prompt: ["a","b"]` as separate choices, not one conversation).
 */
export function openaiCompletionsToChat(request: OpenAICompletionsRequest): CompletionsAsChat {
  const prompts = promptTexts(request.prompt);
  const n = request.n ?? 1;
  const warnings: string[] = [];
  if (request.best_of != null && request.best_of > n) {
    throw new InvalidRequestError(
      'best_of greater than n is not supported: Gemini cannot rank extra candidates by log probability on the server.',
      'best_of',
      'unsupported_parameter',
    );
  }
  if (request.echo === true && request.logprobs != null) {
    throw new InvalidRequestError('echo with logprobs is not supported: Gemini does not score prompt tokens.', 'echo', 'unsupported_parameter');
  }
  if (request.stream === true && request.best_of != null && request.best_of > 1) {
    throw new InvalidRequestError('best_of cannot be used with stream.', 'best_of', 'unsupported_parameter');
  }
  if (request.stream_options?.include_obfuscation != null) warnings.push('stream_options.include_obfuscation');
  const shared: Omit<OpenAIChatRequest, 'messages'> = {
    model: request.model,
    max_tokens: Math.max(1, request.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS),
    // The default 16 tokens would go to thoughts on a thinking model and leave an empty text: think as little as it allows.
    reasoning_effort: request.reasoning_effort ?? 'none',
    ...copied(request),
    ...(request.logprobs != null ? { logprobs: true, top_logprobs: request.logprobs } : {}),
    ...(request.stream_options?.include_usage != null ? { stream_options: { include_usage: request.stream_options.include_usage } } : {}),
  };
  if (request.max_tokens === 0) warnings.push('max_tokens');
  const chatRequests = prompts.map((prompt): OpenAIChatRequest => ({ ...shared, messages: promptMessages(prompt, request.suffix) }));
  return { prompts, chatRequests, n, echo: request.echo === true, warnings };
}

/** Fields that mean the same in chat and are passed on as they are. */
function copied(request: OpenAICompletionsRequest): Partial<OpenAIChatRequest> {
  const { temperature, top_p, n, stop, presence_penalty, frequency_penalty, seed, stream, user, logit_bias, extra_body, google } = request;
  const fields = { temperature, top_p, n, stop, presence_penalty, frequency_penalty, seed, stream, user, logit_bias, extra_body, google };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function promptMessages(prompt: string, suffix: string | null | undefined): OpenAIChatMessage[] {
  if (suffix == null || suffix === '') return [{ role: 'user', content: prompt }];
  return [
    { role: 'system', content: FILL_IN_THE_MIDDLE_INSTRUCTION },
    { role: 'user', content: `<prefix>${prompt}</prefix><suffix>${suffix}</suffix>` },
  ];
}

/** The prompt strings; token-id prompts cannot be turned back into text for Gemini (no shared tokenizer). */
function promptTexts(prompt: OpenAICompletionsRequest['prompt']): string[] {
  if (typeof prompt === 'string') return [prompt];
  if (prompt.length === 0) throw new InvalidRequestError('prompt must not be an empty list.', 'prompt', 'invalid_value');
  if (prompt.every((item): item is string => typeof item === 'string')) return prompt;
  throw new InvalidRequestError(
    'Token-id prompts are not supported: Gemini does not share OpenAI\'s tokenizer, so the ids cannot be turned back into text. Send the prompt as a string.',
    'prompt',
    'unsupported_value',
  );
}
