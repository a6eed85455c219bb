import type { CapabilityRow, Modality, ModelCapabilities, ThinkingLevel } from './capability-types';

// The Gemini models Google serves (and the retired ones clients still name), as of 2026-12. First matching row wins,
// so specific rows come before general ones. Each row cites where its facts come from; facts only a third party or a
// live error confirmed say so. Operators add or override rows with config `models.capabilities`.

const DOCS = 'https://ai.google.dev/gemini-api/docs';
const RICH_INPUT: readonly Modality[] = ['text', 'image', 'audio', 'video', 'pdf'];
const TEXT: readonly Modality[] = ['text'];
const ALL_LEVELS: readonly ThinkingLevel[] = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];
const NO_MINIMAL: readonly ThinkingLevel[] = ['LOW', 'MEDIUM', 'HIGH'];

/** Gemini 3+ text models: levels, signatures, JSON Schema; candidateCount > 1 is refused ("Multiple candidates is not enabled"). */
function gemini3(family: string, levels: readonly ThinkingLevel[], source: string, extra: Partial<ModelCapabilities> = {}): ModelCapabilities {
  return {
    family,
    source,
    status: 'live',
    thinking: { kind: 'level', levels, canDisable: false },
    sampling: 'honoured',
    penalties: 'honoured',
    multipleCandidates: false,
    schemaDialect: 'json-schema',
    thoughtSignatures: true,
    partLevelMedia: true,
    input: RICH_INPUT,
    output: TEXT,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    ...extra,
  };
}

/**
 * 3.5 Flash-Lite and 3.6+ Flash: temperature, top_p and top_k are deprecated (changelog 2026-07-21) and ignored, and
 * custom penalties are an error (3.6 Flash and 3.5 Flash-Lite model pages on Vertex).
 */
const NEWER_FLASH: Partial<ModelCapabilities> = { sampling: 'ignored', penalties: 'rejected' };

function gemini25(family: string, budget: { min: number; max: number; canDisable: boolean }, source: string): ModelCapabilities {
  return {
    family,
    source,
    status: 'deprecated',
    thinking: { kind: 'budget', ...budget },
    sampling: 'honoured',
    penalties: 'honoured',
    multipleCandidates: true,
    schemaDialect: 'json-schema',
    thoughtSignatures: false,
    partLevelMedia: false,
    input: RICH_INPUT,
    output: TEXT,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
  };
}

function imageModel(family: string, source: string, status: ModelCapabilities['status'], signatures: boolean): ModelCapabilities {
  // Thinking levels of the image models are not documented consistently, so no knob is sent (reasoning_effort is reported).
  return {
    ...gemini3(family, [], source, { status, thoughtSignatures: signatures }),
    thinking: { kind: 'none' },
    input: ['text', 'image', 'pdf'],
    output: ['text', 'image'],
    inputTokenLimit: 65_536,
    outputTokenLimit: 32_768,
  };
}

function retired(family: string, source: string, schemaDialect: ModelCapabilities['schemaDialect']): ModelCapabilities {
  return { ...gemini25(family, { min: 0, max: 0, canDisable: true }, source), status: 'shut-down', thinking: { kind: 'none' }, schemaDialect, outputTokenLimit: 8_192 };
}

function row(match: string[], capabilities: ModelCapabilities): CapabilityRow {
  return { match, ...capabilities };
}

export const MODEL_CAPABILITY_TABLE: readonly CapabilityRow[] = [
  // GA 2026-10-13; levels low/medium/high (default medium), no off, no budget; one 1M window, 64K out per call.
  row(['gemini-4-argon*'], gemini3('gemini-4-argon', NO_MINIMAL, `${DOCS}/generate-content/latest-model`, { sampling: 'ignored', penalties: 'rejected' })),
  // Speech: text in, audio out, no thinking (3.8 TTS GA 2026-09-22; 3.1 and 2.5 TTS are previews).
  row(['gemini-*-tts*'], {
    ...gemini3('gemini-3.8-flash-tts', [], `${DOCS}/models/gemini-3.1-flash-tts-preview`),
    thinking: { kind: 'none' },
    input: TEXT,
    output: ['audio'],
    inputTokenLimit: 8_192,
    outputTokenLimit: 16_384,
    thoughtSignatures: false,
  }),
  // Live API models answer only over the Live WebSocket, never generateContent.
  row(['gemini-*-live*', 'gemini-live-*', 'gemini-*-native-audio*'], {
    ...gemini3('gemini-3.8-live', ALL_LEVELS, `${DOCS}/models/gemini-3.8-live-extended-thinking`),
    output: ['text', 'audio'],
    inputTokenLimit: 131_072,
  }),
  row(['gemini-nano-banana-*'], imageModel('gemini-nano-banana-2.1', `${DOCS}/changelog`, 'live', true)),
  row(['gemini-3.1-flash-lite-image*'], imageModel('gemini-3.1-flash-lite-image', `${DOCS}/changelog`, 'live', true)),
  row(['gemini-3.1-flash-image*'], imageModel('gemini-3.1-flash-image', `${DOCS}/deprecations`, 'deprecated', true)),
  row(['gemini-3-pro-image*'], imageModel('gemini-3-pro-image', `${DOCS}/changelog`, 'live', true)),
  row(['gemini-2.5-flash-image*'], imageModel('gemini-2.5-flash-image', `${DOCS}/deprecations`, 'deprecated', false)),
  // 3.8 Flash: low/medium/high only ("Thinking level MINIMAL is not supported for this model").
  row(['gemini-3.8-flash*', 'gemini-flash-latest'], gemini3('gemini-3.8-flash', NO_MINIMAL, `${DOCS}/models/gemini-3.8-flash`, NEWER_FLASH)),
  // 3.7 Flash was retired 2026-10-08 and is routed to 3.8 Flash.
  row(['gemini-3.7-flash*'], gemini3('gemini-3.7-flash', NO_MINIMAL, `${DOCS}/generate-content/whats-new-gemini-3.7`, { ...NEWER_FLASH, status: 'shut-down' })),
  row(['gemini-3.6-flash*'], gemini3('gemini-3.6-flash', ALL_LEVELS, `${DOCS}/generate-content/whats-new-gemini-3.6`, NEWER_FLASH)),
  // 3.5 Flash-Lite defaults to MINIMAL and refuses a zero budget (googleapis/python-genai#2936).
  row(['gemini-3.5-flash-lite*', 'gemini-flash-lite-latest'], gemini3('gemini-3.5-flash-lite', ALL_LEVELS, `${DOCS}/models/gemini-3.5-flash-lite`, NEWER_FLASH)),
  // 3.5 Flash was retired 2026-10-08 and is routed to 3.6 Flash, whose rules then apply.
  row(['gemini-3.5-flash*'], gemini3('gemini-3.5-flash', ALL_LEVELS, `${DOCS}/models/gemini-3.5-flash`, { ...NEWER_FLASH, status: 'shut-down' })),
  row(['gemini-3.1-flash-lite*'], gemini3('gemini-3.1-flash-lite', ALL_LEVELS, `${DOCS}/models/gemini-3.1-flash-lite`)),
  // 3.1 Pro: low/medium/high, no MINIMAL (https://ai.google.dev/gemini-api/docs/openai#thinking).
  row(['gemini-3.1-pro*', 'gemini-pro-latest'], gemini3('gemini-3.1-pro', NO_MINIMAL, `${DOCS}/models/gemini-3.1-pro-preview`, { status: 'preview' })),
  row(['gemini-3-flash*'], gemini3('gemini-3-flash', ALL_LEVELS, `${DOCS}/gemini-3`, { status: 'preview' })),
  // 3 Pro launched with low/high only ("Thinking level MEDIUM is not supported"); shut down 2026-03-09.
  row(['gemini-3-pro*'], gemini3('gemini-3-pro', ['LOW', 'HIGH'], `${DOCS}/deprecations`, { status: 'shut-down' })),
  // 2.5 budgets (https://ai.google.dev/gemini-api/docs/thinking): Pro 128–32768 and cannot turn thinking off.
  row(['gemini-2.5-flash-lite*'], gemini25('gemini-2.5-flash-lite', { min: 512, max: 24_576, canDisable: true }, `${DOCS}/thinking`)),
  row(['gemini-2.5-flash*'], gemini25('gemini-2.5-flash', { min: 1, max: 24_576, canDisable: true }, `${DOCS}/thinking`)),
  row(['gemini-2.5-pro*'], gemini25('gemini-2.5-pro', { min: 128, max: 32_768, canDisable: false }, `${DOCS}/thinking`)),
  // Shut down 2026-06-01; older than the JSON Schema fields, so the OpenAPI subset.
  row(['gemini-2.0-*'], retired('gemini-2.0-flash', `${DOCS}/models/gemini-2.0-flash`, 'openapi')),
  row(['gemini-1.5-*', 'gemini-1.0-*', 'gemini-pro', 'gemini-pro-vision'], retired('gemini-1.5-pro', `${DOCS}/deprecations`, 'openapi')),
  // Gemma on the Gemini API: no thinking knob, OpenAPI schemas (the conservative choice).
  row(['gemma-*'], { ...retired('gemma-3-27b-it', `${DOCS}/gemma`, 'openapi'), status: 'live', multipleCandidates: false, outputTokenLimit: 8_192, inputTokenLimit: 131_072 }),
];

/** What a model id nobody knows gets when it is not a `gemini-<version>-…` id either: no knobs, the OpenAPI subset. */
export const UNKNOWN_MODEL_CAPABILITIES: ModelCapabilities = {
  ...retired('unknown', `${DOCS}/models`, 'openapi'),
  status: 'live',
  multipleCandidates: false,
  inputTokenLimit: 1_048_576,
};
