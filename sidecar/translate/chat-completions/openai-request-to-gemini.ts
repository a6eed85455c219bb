import { InvalidRequestError } from '../../errors/sidecar-error';
import { modelTraits } from '../model-family';
import { openaiModelToGemini } from '../model-name';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig, GeminiTool } from './gemini-generate-schema';
import { readGoogleExtensions } from './google-extensions';
import type { OpenAIChatRequest } from './openai-chat-schema';
import { openaiMessagesToGemini } from './openai-messages-to-gemini';
import { openaiReasoningToGemini } from './openai-reasoning-to-gemini';
import { openaiResponseFormatToGemini } from './openai-response-format-to-gemini';
import { openaiToolsToGemini } from './openai-tools-to-gemini';

/** Gemini accepts at most five stop sequences: https://ai.google.dev/api/generate-content#generationconfig */
const MAX_STOP_SEQUENCES = 5;
/** Gemini returns at most 20 top candidates per position. */
const MAX_TOP_LOGPROBS = 20;

/** Parameters dropped with a warning: Gemini has no equivalent and the answer means the same without them. */
const IGNORED_PARAMS = ['user', 'logit_bias', 'metadata', 'store', 'prediction', 'safety_identifier', 'prompt_cache_key', 'verbosity'] as const;

/** OpenAI service tiers Gemini has a counterpart for; `auto`/`default` mean Gemini's standard tier. */
const SERVICE_TIERS: Record<string, string | null> = { auto: null, default: null, flex: 'flex', priority: 'priority' };

/** Per-deployment choices the translation depends on. */
export interface TranslateOptions {
  remoteUrls: 'fetch' | 'pass-through';
}

/** The upstream call a chat request turns into. */
export interface TranslatedChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  geminiRequest: GeminiGenerateContentRequest;
  /** Request params (JSON paths) that were accepted but not sent on. */
  warnings: string[];
  /** Dummy thought signatures added to Gemini 3+ history that lacked them. */
  dummySignatures: number;
}

/** OpenAI chat request → native Gemini request. Pure; throws InvalidRequestError for what it cannot honour. */
export function openaiRequestToGemini(
  request: OpenAIChatRequest,
  options: TranslateOptions = { remoteUrls: 'fetch' },
): TranslatedChatRequest {
  const model = openaiModelToGemini(request.model);
  const traits = modelTraits(model);
  const warnings: string[] = [];
  for (const param of IGNORED_PARAMS) if (request[param] != null) warnings.push(param);
  if (request.audio != null) throw unsupported('audio', 'Audio output is not supported.');
  const messages = openaiMessagesToGemini(request.messages, {
    model,
    remoteUrls: options.remoteUrls,
    requiresThoughtSignatures: traits.requiresThoughtSignatures,
  });
  warnings.push(...messages.warnings);
  const tools = openaiToolsToGemini(request, { schemaDialect: traits.schemaDialect });
  warnings.push(...tools.warnings);
  if (request.parallel_tool_calls != null) warnings.push('parallel_tool_calls');
  const geminiTools: GeminiTool[] = [...tools.tools];
  if (request.web_search_options != null) geminiTools.push({ googleSearch: {} });
  const google = readGoogleExtensions(request.extra_body, request.google, warnings);
  const generationConfig: GeminiGenerationConfig = {
    ...openaiParamsToGenerationConfig(request, warnings),
    ...openaiResponseFormatToGemini(request.response_format, { schemaDialect: traits.schemaDialect }),
    ...outputModalities(request.modalities, traits.imageOutput),
    ...google.generation,
  };
  const thinking = google.thinking ?? openaiReasoningToGemini(request.reasoning_effort, traits, warnings);
  if (google.thinking && request.reasoning_effort != null) warnings.push('reasoning_effort');
  if (thinking) generationConfig.thinkingConfig = thinking;
  const serviceTier = readServiceTier(request.service_tier, warnings);
  const geminiRequest: GeminiGenerateContentRequest = {
    contents: messages.contents,
    ...(messages.systemInstruction ? { systemInstruction: messages.systemInstruction } : {}),
    ...(geminiTools.length > 0 ? { tools: geminiTools } : {}),
    ...(tools.toolConfig ? { toolConfig: tools.toolConfig } : {}),
    ...google.request,
    ...(serviceTier ? { serviceTier } : {}),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
  return {
    model,
    stream: request.stream === true,
    includeUsage: request.stream === true && request.stream_options?.include_usage === true,
    geminiRequest,
    warnings,
    dummySignatures: messages.dummySignatures,
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
    config.responseLogprobs = true;
    if (request.top_logprobs != null) config.logprobs = Math.min(request.top_logprobs, MAX_TOP_LOGPROBS);
  } else if (request.top_logprobs != null) {
    warnings.push('top_logprobs');
  }
  return config;
}

/** OpenAI `modalities` → `responseModalities`; image models answer with text and images unless told otherwise. */
function outputModalities(modalities: readonly string[] | null | undefined, imageModel: boolean): GeminiGenerationConfig {
  if (modalities == null) return imageModel ? { responseModalities: ['TEXT', 'IMAGE'] } : {};
  const mapped = modalities.map((modality) => {
    if (modality === 'text') return 'TEXT' as const;
    if (modality === 'image') return 'IMAGE' as const;
    throw unsupported('modalities', `Output modality '${modality}' is not supported.`);
  });
  return mapped.length > 0 ? { responseModalities: mapped } : {};
}

function readServiceTier(tier: unknown, warnings: string[]): string | undefined {
  if (tier == null) return undefined;
  const mapped = typeof tier === 'string' ? SERVICE_TIERS[tier] : undefined;
  if (mapped === undefined) warnings.push('service_tier');
  return mapped ?? undefined;
}

function unsupported(param: string, message: string): InvalidRequestError {
  return new InvalidRequestError(message, param, 'unsupported_parameter');
}
