import { randomInt } from 'node:crypto';
import { valueFromSchema } from './default-json';
import { field, recordField, type JsonObject } from './request-fields';
import type { FunctionDeclarationView, ToolsView } from './validate-tools';

/** One functionCall part the default answer will send. */
export interface PlannedCall {
  name: string;
  /** Omitted when the declaration has no schema, like the recorded no-args call. */
  args?: JsonObject;
  /** Gemini 3 only: 8 lowercase alphanumerics (issue-16298-gemini3-parallel-tool-calls.json `lpndqlku`). */
  id?: string;
  /** Gemini 3 only, and only on the first call of a response. */
  thoughtSignature?: string;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A function call id like the ones Gemini 3 sends. */
export function newCallId(): string {
  return Array.from({ length: 8 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}

/**
 * Deterministic arguments: every `required` property gets a value its schema accepts (the user's text for strings,
 * 42 for numbers, nested objects and arrays filled the same way).
 */
export function argsFromSchema(schema: JsonObject | undefined, userText: string): JsonObject | undefined {
  if (!schema) return undefined;
  const properties = recordField(schema, 'properties') ?? {};
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  const context = { root: schema, text: userText };
  return Object.fromEntries(required.map((name) => [name, valueFromSchema(properties[name] ?? {}, context, 1)]));
}

function callable(tools: ToolsView): FunctionDeclarationView[] {
  if (tools.allowedFunctionNames.length === 0) return tools.declarations;
  return tools.allowedFunctionNames.flatMap((name) => tools.declarations.filter((declaration) => declaration.name === name).slice(0, 1));
}

/** True when the default answer is a function call: functions declared and calling not switched off. */
export function wantsFunctionCall(tools: ToolsView): boolean {
  return tools.mode !== 'NONE' && tools.declarations.length > 0;
}

/**
 * The calls for one candidate: the first callable function, or the first two when the prompt says `[parallel]`.
 * Gemini 3 numbers every call and signs only the first (https://ai.google.dev/gemini-api/docs/thought-signatures).
 */
export function planCalls(tools: ToolsView, userText: string, gemini3: boolean, sign: () => string): PlannedCall[] {
  const pool = callable(tools);
  const count = userText.includes('[parallel]') && pool.length >= 2 ? 2 : 1;
  return pool.slice(0, count).map((declaration, index) => {
    const args = argsFromSchema(declaration.schema, userText);
    return {
      name: declaration.name,
      ...(args ? { args } : {}),
      ...(gemini3 ? { id: newCallId() } : {}),
      ...(gemini3 && index === 0 ? { thoughtSignature: sign() } : {}),
    };
  });
}

/** The functionCall part, fields in Google's order (name, args, id). */
export function functionCallPart(call: PlannedCall): JsonObject {
  const functionCall = { name: call.name, ...(call.args ? { args: call.args } : {}), ...(call.id ? { id: call.id } : {}) };
  return call.thoughtSignature ? { functionCall, thoughtSignature: call.thoughtSignature } : { functionCall };
}

/** `Result: <response>; <response>` for a turn of functionResponse parts, in order. */
export function functionResponseText(parts: JsonObject[]): string | undefined {
  const responses = parts.flatMap((part) => {
    const response = recordField(part, 'functionResponse');
    return response ? [JSON.stringify(field(response, 'response') ?? {})] : [];
  });
  return responses.length > 0 ? `Result: ${responses.join('; ')}` : undefined;
}
