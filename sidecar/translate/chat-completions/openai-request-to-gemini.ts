import { InvalidRequestError } from '../../errors/sidecar-error';
import { openaiModelToGemini } from '../model-name';
import type { ParameterSupport } from '../models/capability-types';
import { capabilitiesFor, type ModelCapabilities } from '../models/model-capabilities';
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
  /** The model's row (config overrides and models.get facts applied); the built-in table's when absent. */
  capabilities?: ModelCapabilities;
  /** `n > 1` on a model without candidateCount: parallel calls (true) or a 400 naming `n` (false). */
  fanOutCandidates?: boolean;
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
  /** How many parallel calls serve the request: `n` when the model refuses candidateCount, else 1. */
  calls: number;
}

/** OpenAI chat request → native Gemini request. Pure; throws InvalidRequestError for what it cannot honour. */
export function openaiRequestToGemini(
  request: OpenAIChatRequest,
  options: TranslateOptions = { remoteUrls: 'fetch' },
): TranslatedChatRequest {
  const model = openaiModelToGemini(request.model);
  const traits = options.capabilities ?? capabilitiesFor(model).capabilities;
  const warnings: string[] = [];
  for (const param of IGNORED_PARAMS) if (request[param] != null) warnings.push(param);
  if (request.audio != null) throw unsupported('audio', 'Audio output is not supported.');
  const messages = openaiMessagesToGemini(request.messages, {
    remoteUrls: options.remoteUrls,
    partLevelMedia: traits.partLevelMedia,
    requiresThoughtSignatures: traits.thoughtSignatures,
  });
  warnings.push(...messages.warnings);
  const tools = openaiToolsToGemini(request, { schemaDialect: traits.schemaDialect });
  warnings.push(...tools.warnings);
  if (request.parallel_tool_calls != null) warnings.push('parallel_tool_calls');
  const geminiTools: GeminiTool[] = [...tools.tools];
  if (request.web_search_options != null) geminiTools.push({ googleSearch: {} });
  const google = readGoogleExtensions(request.extra_body, request.google, warnings);
  const generationConfig: GeminiGenerationConfig = {
    ...openaiParamsToGenerationConfig(request, traits, warnings),
    ...openaiResponseFormatToGemini(request.response_format, { schemaDialect: traits.schemaDialect }),
    ...outputModalities(request.modalities, traits.output.includes('image')),
    ...google.generation,
  };
  const thinking = google.thinking ?? openaiReasoningToGemini(request.reasoning_effort, traits.thinking, warnings);
  const calls = candidateCalls(generationConfig, traits, options.fanOutCandidates ?? true);
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
    calls,
  };
}

/**
 * Gemini 3+ answer `candidateCount > 1` with 400 "Multiple candidates is not enabled for this model"
 * (googleapis/js-genai#1609): there the count leaves the request and `n` parallel calls serve it, unless the operator
 * switched that off.
 */
function candidateCalls(config: GeminiGenerationConfig, traits: ModelCapabilities, fanOut: boolean): number {
  const count = config.candidateCount ?? 1;
  if (count <= 1 || traits.multipleCandidates) return 1;
  if (!fanOut) {
    throw new InvalidRequestError(`Model family ${traits.family} does not support n > 1, and parallel calls for n are switched off on this sidecar.`, 'n', 'unsupported_parameter');
  }
  delete config.candidateCount;
  return count;
}

/** Adds `param` to the config unless the model ignores or refuses it; then it is reported instead of sent. */
function sampling<K extends keyof GeminiGenerationConfig>(
  config: GeminiGenerationConfig,
  key: K,
  value: GeminiGenerationConfig[K] | null | undefined,
  support: ParameterSupport,
  param: string,
  warnings: string[],
): void {
  if (value == null) return;
  if (support === 'honoured') config[key] = value;
  else warnings.push(param);
}

function openaiParamsToGenerationConfig(request: OpenAIChatRequest, traits: ModelCapabilities, warnings: string[]): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  sampling(config, 'temperature', request.temperature, traits.sampling, 'temperature', warnings);
  sampling(config, 'topP', request.top_p, traits.sampling, 'top_p', warnings);
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
  sampling(config, 'presencePenalty', request.presence_penalty, traits.penalties, 'presence_penalty', warnings);
  sampling(config, 'frequencyPenalty', request.frequency_penalty, traits.penalties, 'frequency_penalty', warnings);
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
