import { fieldViolationsError, googleError, invalidArgument, type GoogleErrorReply } from './google-error';
import { isRecord, snakeCase } from './request-fields';
import { missingThoughtSignatureError } from './thought-signatures';
import { validateGenerationConfig } from './validate-generation-config';
import { validateJsonSchemas } from './validate-json-schema';
import { PART_DATA_FIELDS, validatePartShapes, type PartList } from './validate-parts';
import { validateTools, type ToolsView } from './validate-tools';

/** The request fields the emulator reads, after validation. */
export interface EmulatorGenerateRequest {
  contents: Array<{ role?: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { parts: Array<Record<string, unknown>> };
  generationConfig: Record<string, unknown>;
  /** Declared functions, built-in tools and the function calling mode. */
  tools: ToolsView;
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

const EMPTY_TEXT_MESSAGE =
  'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini';

function hasData(part: Record<string, unknown>): boolean {
  return PART_DATA_FIELDS.some((name) => part[name] !== undefined || part[snakeCase(name)] !== undefined);
}

function partsViolations(parts: unknown, path: string, label: string): string[] {
  if (!Array.isArray(parts) || parts.length === 0) return [`${label}.parts: contents.parts must not be empty.`];
  return parts.flatMap((part, index) =>
    isRecord(part) && hasData(part)
      ? []
      : [`${path}.parts[${index}].data: required oneof field 'data' must have one initialized field`],
  );
}

function hasEmptyText(parts: Array<Record<string, unknown>>): boolean {
  return parts.some((part) => part.text === '');
}

/** Validates a raw generateContent body for `model` with Google's checks and messages. */
export function validateGenerateRequest(rawBody: string, body: unknown, model: string): ValidationResult {
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
    return { ok: false, error: fieldViolationsError(['GenerateContentRequest.contents: contents is not specified']) };
  }
  const systemInstruction = fields.systemInstruction ?? fields.system_instruction;
  const violations = contents.flatMap((content: unknown, index) =>
    partsViolations(isRecord(content) ? content.parts : undefined, `contents[${index}]`, `GenerateContentRequest.contents[${index}]`),
  );
  if (systemInstruction !== undefined) {
    const parts = isRecord(systemInstruction) ? systemInstruction.parts : undefined;
    violations.push(...partsViolations(parts, 'system_instruction', 'GenerateContentRequest.system_instruction'));
  }
  if (violations.length > 0) return { ok: false, error: fieldViolationsError(violations) };
  const partLists: PartList[] = contents.map((content: { parts: unknown[] }, index) => ({ parts: content.parts, path: `contents[${index}]` }));
  if (isRecord(systemInstruction) && Array.isArray(systemInstruction.parts)) {
    partLists.push({ parts: systemInstruction.parts, path: 'system_instruction' });
  }
  const shapeError = validatePartShapes(partLists);
  if (shapeError) return { ok: false, error: shapeError };

  const typedContents = contents as EmulatorGenerateRequest['contents'];
  if (typedContents.some((content) => content.role !== undefined && content.role !== '' && content.role !== 'user' && content.role !== 'model')) {
    return { ok: false, error: googleError(400, 'INVALID_ARGUMENT', 'Please use a valid role: user, model.') };
  }
  const typedSystem = systemInstruction as EmulatorGenerateRequest['systemInstruction'];
  if (typedContents.some((content) => hasEmptyText(content.parts)) || (typedSystem && hasEmptyText(typedSystem.parts))) {
    return { ok: false, error: googleError(400, 'INVALID_ARGUMENT', EMPTY_TEXT_MESSAGE) };
  }
  const tools = validateTools(fields);
  if (!tools.ok) return tools;
  const config = fields.generationConfig ?? fields.generation_config;
  const generationConfig = isRecord(config) ? config : {};
  const configError =
    validateGenerationConfig(generationConfig, model, tools.tools) ??
    validateJsonSchemas(generationConfig, tools.tools) ??
    missingThoughtSignatureError(typedContents, model);
  if (configError) return { ok: false, error: configError };
  return { ok: true, request: { contents: typedContents, systemInstruction: typedSystem, generationConfig, tools: tools.tools } };
}
