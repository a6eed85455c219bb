import { googleError, invalidArgument, type GoogleErrorReply } from './google-error';

/** The request fields the emulator reads, after validation. */
export interface EmulatorGenerateRequest {
  contents: Array<{ role?: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { parts: Array<Record<string, unknown>> };
  generationConfig: Record<string, unknown>;
}

/** Outcome of validating a generateContent body the way Google does. */
export type ValidationResult = { ok: true; request: EmulatorGenerateRequest } | { ok: false; error: GoogleErrorReply };

// The REST surface accepts proto3-JSON, so both lowerCamelCase and snake_case names are known fields.
const KNOWN_FIELDS = new Set([
  'contents',
  'systemInstruction',
  'system_instruction',
  'tools',
  'toolConfig',
  'tool_config',
  'safetySettings',
  'safety_settings',
  'generationConfig',
  'generation_config',
  'cachedContent',
  'cached_content',
  'serviceTier',
  'service_tier',
]);

const PART_DATA_FIELDS = [
  'text',
  'inlineData',
  'inline_data',
  'functionCall',
  'function_call',
  'functionResponse',
  'function_response',
  'fileData',
  'file_data',
  'executableCode',
  'executable_code',
  'codeExecutionResult',
  'code_execution_result',
];

const EMPTY_TEXT_MESSAGE =
  'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fieldViolations(messages: string[]): GoogleErrorReply {
  return googleError(400, 'INVALID_ARGUMENT', messages.map((message) => `* ${message}\n`).join(''));
}

function partsViolations(parts: unknown, path: string, label: string): string[] {
  if (!Array.isArray(parts) || parts.length === 0) return [`${label}.parts: contents.parts must not be empty.`];
  return parts.flatMap((part, index) =>
    isRecord(part) && PART_DATA_FIELDS.some((field) => part[field] !== undefined)
      ? []
      : [`${path}.parts[${index}].data: required oneof field 'data' must have one initialized field`],
  );
}

function hasEmptyText(parts: Array<Record<string, unknown>>): boolean {
  return parts.some((part) => part.text === '');
}

function validateGenerationConfig(config: Record<string, unknown>): GoogleErrorReply | undefined {
  const stopSequences = config.stopSequences ?? config.stop_sequences;
  if (Array.isArray(stopSequences) && stopSequences.length > 5) {
    return googleError(400, 'INVALID_ARGUMENT', 'the number of stop_sequences must not exceed 5');
  }
  const candidateCount = config.candidateCount ?? config.candidate_count;
  if (typeof candidateCount === 'number' && candidateCount > 8) {
    return googleError(
      400,
      'INVALID_ARGUMENT',
      `Unable to submit request because it has a candidateCount value of ${candidateCount} but the supported range is from 1 (inclusive) to 9 (exclusive). Update the value and try again.`,
    );
  }
  return undefined;
}

/** Validates a raw generateContent body with Google's checks and messages. */
export function validateGenerateRequest(rawBody: string, body: unknown): ValidationResult {
  if (rawBody.trim() !== '' && !isRecord(body)) {
    return { ok: false, error: invalidArgument(['Invalid JSON payload received. Unexpected token.']) };
  }
  const fields = isRecord(body) ? body : {};
  const unknown = Object.keys(fields).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: invalidArgument(unknown.map((key) => `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`)),
    };
  }
  const contents = fields.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return { ok: false, error: fieldViolations(['GenerateContentRequest.contents: contents is not specified']) };
  }
  const systemInstruction = fields.systemInstruction ?? fields.system_instruction;
  const violations = contents.flatMap((content: unknown, index) =>
    partsViolations(isRecord(content) ? content.parts : undefined, `contents[${index}]`, `GenerateContentRequest.contents[${index}]`),
  );
  if (systemInstruction !== undefined) {
    const parts = isRecord(systemInstruction) ? systemInstruction.parts : undefined;
    violations.push(...partsViolations(parts, 'system_instruction', 'GenerateContentRequest.system_instruction'));
  }
  if (violations.length > 0) return { ok: false, error: fieldViolations(violations) };

  const typedContents = contents as EmulatorGenerateRequest['contents'];
  if (typedContents.some((content) => content.role !== undefined && content.role !== '' && content.role !== 'user' && content.role !== 'model')) {
    return { ok: false, error: googleError(400, 'INVALID_ARGUMENT', 'Please use a valid role: user, model.') };
  }
  const typedSystem = systemInstruction as EmulatorGenerateRequest['systemInstruction'];
  if (typedContents.some((content) => hasEmptyText(content.parts)) || (typedSystem && hasEmptyText(typedSystem.parts))) {
    return { ok: false, error: googleError(400, 'INVALID_ARGUMENT', EMPTY_TEXT_MESSAGE) };
  }
  const config = fields.generationConfig ?? fields.generation_config;
  const generationConfig = isRecord(config) ? config : {};
  const configError = validateGenerationConfig(generationConfig);
  if (configError) return { ok: false, error: configError };
  return { ok: true, request: { contents: typedContents, systemInstruction: typedSystem, generationConfig } };
}
