import {
  isAudioModel,
  isGemini3OrLater,
  isImageModel,
  refusesCandidateCount,
  refusesMinimalThinking,
  refusesPenalties,
  refusesThinkingBudget,
  refusesZeroBudget,
} from './emulated-model';
import { fieldViolationsError, googleError, invalidArgument, type GoogleErrorReply } from './google-error';
import { field, recordField, type JsonObject } from './request-fields';
import type { ToolsView } from './validate-tools';

const PROTO = 'type.googleapis.com/google.ai.generativelanguage.v1beta';
const THINKING_LEVELS = new Set(['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH']);
const MODALITIES = new Set(['TEXT', 'IMAGE', 'AUDIO']);
// https://ai.google.dev/gemini-api/docs/image-generation#aspect_ratios
const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];

function invalidArgumentMessage(message: string): GoogleErrorReply {
  return googleError(400, 'INVALID_ARGUMENT', message);
}

function validateCounts(config: JsonObject, model: string): GoogleErrorReply | undefined {
  const stopSequences = field(config, 'stopSequences');
  if (Array.isArray(stopSequences) && stopSequences.length > 5) {
    return invalidArgumentMessage('the number of stop_sequences must not exceed 5');
  }
  const candidateCount = field(config, 'candidateCount');
  if (typeof candidateCount === 'number' && candidateCount > 8) {
    return invalidArgumentMessage(
      `Unable to submit request because it has a candidateCount value of ${candidateCount} but the supported range is from 1 (inclusive) to 9 (exclusive). Update the value and try again.`,
    );
  }
  if (typeof candidateCount === 'number' && candidateCount > 1 && isImageModel(model)) {
    // Live wording (google-gemini/gemini-cli#10370): image models answer one candidate only.
    return invalidArgumentMessage(`Multiple candidates is not enabled for models/${model}`);
  }
  if (typeof candidateCount === 'number' && candidateCount > 1 && refusesCandidateCount(model)) {
    return invalidArgumentMessage('Multiple candidates is not enabled for this model');
  }
  const penalty = ['presencePenalty', 'frequencyPenalty'].find((name) => field(config, name) !== undefined);
  if (penalty && refusesPenalties(model)) {
    // Documented as an error on the 3.6 Flash / 3.5 Flash-Lite pages; the wording here is the emulator's own.
    return invalidArgumentMessage(`${penalty} is not supported for this model.`);
  }
  const logprobs = field(config, 'logprobs');
  if (typeof logprobs === 'number' && (logprobs < 0 || logprobs > 20)) {
    return fieldViolationsError([`GenerateContentRequest.generation_config.logprobs: logprobs must be in the range [0, 20], got ${logprobs}.`]);
  }
  return undefined;
}

/** https://ai.google.dev/gemini-api/docs/thinking: levels are Gemini 3 only, and never together with a budget. */
function validateThinking(config: JsonObject, model: string): GoogleErrorReply | undefined {
  const thinking = recordField(config, 'thinkingConfig');
  if (!thinking) return undefined;
  const budget = field(thinking, 'thinkingBudget');
  const rawLevel = field(thinking, 'thinkingLevel');
  if (budget !== undefined && rawLevel === undefined) {
    if (refusesThinkingBudget(model)) return invalidArgumentMessage('Thinking budget is not supported for this model. Use thinking level instead.');
    if (budget === 0 && refusesZeroBudget(model)) return invalidArgumentMessage('Budget 0 is invalid. This model only works in thinking mode.');
  }
  if (rawLevel === undefined) return undefined;
  const level = typeof rawLevel === 'string' ? rawLevel.toUpperCase() : '';
  if (!THINKING_LEVELS.has(level)) {
    const path = 'generation_config.thinking_config.thinking_level';
    return invalidArgument([`Invalid value at '${path}' (${PROTO}.ThinkingConfig.ThinkingLevel), ${JSON.stringify(rawLevel)}`], [path]);
  }
  if (field(thinking, 'thinkingBudget') !== undefined) {
    // Observed wording; the Gemini 3 guide: "You cannot use both thinking_level and the legacy thinking_budget".
    return invalidArgumentMessage('You can only set only one of thinking budget and thinking level.');
  }
  if (!isGemini3OrLater(model)) return invalidArgumentMessage('Thinking level is not supported for this model.');
  if (level === 'MINIMAL' && refusesMinimalThinking(model)) {
    // vercel-ai/google-thinking-level-minimal-unsupported.json
    return invalidArgumentMessage('Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.');
  }
  return undefined;
}

function validateOutput(config: JsonObject, model: string, tools: ToolsView): GoogleErrorReply | undefined {
  if (field(config, 'responseSchema') !== undefined && field(config, 'responseJsonSchema') !== undefined) {
    return fieldViolationsError(['GenerateContentRequest.generation_config: response_schema and response_json_schema cannot both be set.']);
  }
  const mimeType = field(config, 'responseMimeType');
  if (tools.mode === 'ANY' && tools.declarations.length > 0 && mimeType === 'application/json') {
    // vercel-ai/google-structured-output-with-tools-error.json
    return invalidArgumentMessage("Forced function calling (ANY mode) with a response mime type: 'application/json' is unsupported");
  }
  const modalities = field(config, 'responseModalities');
  if (Array.isArray(modalities)) {
    const badIndex = modalities.findIndex((modality) => typeof modality !== 'string' || !MODALITIES.has(modality.toUpperCase()));
    if (badIndex >= 0) {
      const path = `generation_config.response_modalities[${badIndex}]`;
      return invalidArgument([`Invalid value at '${path}' (${PROTO}.GenerationConfig.Modality), ${JSON.stringify(modalities[badIndex])}`], [path]);
    }
    const requested = modalities.map((modality: string) => modality.toUpperCase());
    const unsupported = [
      ...(requested.includes('IMAGE') && !isImageModel(model) ? ['image'] : []),
      ...(requested.includes('AUDIO') && !isAudioModel(model) ? ['audio'] : []),
    ];
    if (unsupported.length > 0) {
      return invalidArgumentMessage(`Model does not support the requested response modalities: ${unsupported.join(',')}`);
    }
  }
  const aspectRatio = field(recordField(config, 'imageConfig') ?? {}, 'aspectRatio');
  if (aspectRatio !== undefined && !ASPECT_RATIOS.includes(String(aspectRatio))) {
    const choices = `${ASPECT_RATIOS.slice(0, -1).map((ratio) => `'${ratio}'`).join(', ')}, or '${ASPECT_RATIOS.at(-1)}'`;
    return fieldViolationsError([`GenerateContentRequest.generation_config.image_config.aspect_ratio: aspect_ratio must be one of ${choices}.`]);
  }
  return undefined;
}

/** Validates `generationConfig` for the given model with Google's checks and messages. */
export function validateGenerationConfig(config: JsonObject, model: string, tools: ToolsView): GoogleErrorReply | undefined {
  return validateCounts(config, model) ?? validateThinking(config, model) ?? validateOutput(config, model, tools);
}
