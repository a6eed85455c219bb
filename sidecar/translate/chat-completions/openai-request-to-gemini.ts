import { InvalidRequestError } from '../../errors/sidecar-error';
import { openaiModelToGemini } from '../model-name';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig } from './gemini-generate-schema';
import { openaiMessagesToGemini } from './openai-messages-to-gemini';
import type { OpenAIChatRequest } from './openai-chat-schema';

/** Gemini accepts at most five stop sequences: https://ai.google.dev/api/generate-content#generationconfig */
const MAX_STOP_SEQUENCES = 5;

/** Parameters dropped with a warning: Gemini has no equivalent and the answer means the same without them. */
const IGNORED_PARAMS = [
  'user',
  'logit_bias',
  'metadata',
  'store',
  'service_tier',
  'parallel_tool_calls',
  'prediction',
  'safety_identifier',
  'prompt_cache_key',
  'verbosity',
  'extra_body',
] as const;

/** Parameters whose meaning the sidecar cannot keep yet: refused with 400 rather than silently dropped. */
const UNSUPPORTED_PARAMS = ['tools', 'tool_choice', 'functions', 'function_call', 'reasoning_effort', 'audio', 'web_search_options'] as const;

/** The upstream call a chat request turns into. */
export interface TranslatedChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  geminiRequest: GeminiGenerateContentRequest;
  /** Request params (JSON paths) that were accepted but not sent on. */
  warnings: string[];
}

/** OpenAI chat request → native Gemini request. Pure; throws InvalidRequestError for what it cannot honour. */
export function openaiRequestToGemini(request: OpenAIChatRequest): TranslatedChatRequest {
  const model = openaiModelToGemini(request.model);
  const warnings: string[] = [];
  for (const param of UNSUPPORTED_PARAMS) {
    if (request[param] == null) continue;
    if (param === 'tool_choice' && (request.tool_choice === 'none' || request.tool_choice === 'auto')) continue;
    throw new InvalidRequestError(`Parameter '${param}' is not supported by this sidecar yet.`, param, 'unsupported_parameter');
  }
  for (const param of IGNORED_PARAMS) if (request[param] != null) warnings.push(param);
  const messages = openaiMessagesToGemini(request.messages);
  warnings.push(...messages.warnings);
  const generationConfig = openaiParamsToGenerationConfig(request, warnings);
  const geminiRequest: GeminiGenerateContentRequest = {
    contents: messages.contents,
    ...(messages.systemInstruction ? { systemInstruction: messages.systemInstruction } : {}),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
  return {
    model,
    stream: request.stream === true,
    includeUsage: request.stream === true && request.stream_options?.include_usage === true,
    geminiRequest,
    warnings,
  };
}

function openaiParamsToGenerationConfig(request: OpenAIChatRequest, warnings: string[]): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.stop != null) {
    const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
    if (stop.length > MAX_STOP_SEQUENCES) {
      throw new InvalidRequestError(`Gemini accepts at most ${MAX_STOP_SEQUENCES} stop sequences; got ${stop.length}.`, 'stop');
    }
    if (stop.some((sequence) => sequence.length === 0)) throw new InvalidRequestError('Stop sequences must not be empty.', 'stop');
    if (stop.length > 0) config.stopSequences = stop;
  }
  if (request.n != null) config.candidateCount = request.n;
  if (request.seed != null) config.seed = request.seed;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  if (request.logprobs === true) {
    throw new InvalidRequestError("Parameter 'logprobs' is not supported by this sidecar yet.", 'logprobs', 'unsupported_parameter');
  }
  if (request.top_logprobs != null) warnings.push('top_logprobs');
  applyResponseFormat(request.response_format, config);
  applyModalities(request.modalities);
  return config;
}

function applyResponseFormat(responseFormat: unknown, config: GeminiGenerationConfig): void {
  if (responseFormat == null) return;
  const type = (responseFormat as { type?: unknown }).type;
  if (type === 'text') return;
  if (type === 'json_object') {
    config.responseMimeType = 'application/json';
    return;
  }
  throw new InvalidRequestError(`response_format type '${String(type)}' is not supported by this sidecar yet.`, 'response_format.type', 'unsupported_parameter');
}

function applyModalities(modalities: readonly string[] | null | undefined): void {
  const unsupported = (modalities ?? []).filter((modality) => modality !== 'text');
  if (unsupported.length > 0) {
    throw new InvalidRequestError(`Output modalities ${unsupported.join(', ')} are not supported by this sidecar yet.`, 'modalities', 'unsupported_parameter');
  }
}
