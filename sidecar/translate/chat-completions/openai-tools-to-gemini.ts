import { z } from 'zod';
import { InvalidRequestError } from '../../errors/sidecar-error';
import type { ModelCapabilities } from '../models/capability-types';
import { jsonSchemaToOpenAPISchema } from '../schema/json-schema-to-openapi';
import { jsonSchemaForGemini } from '../schema/strip-json-schema';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './gemini-generate-schema';
import {
  GEMINI_FUNCTION_NAME,
  MAX_FUNCTION_DECLARATIONS,
  openAIFunctionCallSchema,
  openAIFunctionSchema,
  openAIToolChoiceSchema,
  openAIToolSchema,
  type OpenAIFunction,
} from './openai-tools-schema';
import { parseWithParam } from '../parse-with-param';

/** The tool fields of a chat request, unvalidated. */
export interface OpenAIToolsInput {
  tools?: unknown;
  tool_choice?: unknown;
  functions?: unknown;
  function_call?: unknown;
}

/** `tools` (empty when none) and `toolConfig` for the Gemini request, plus params accepted but not sent on. */
export interface TranslatedTools {
  tools: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  warnings: string[];
}

type SchemaDialect = ModelCapabilities['schemaDialect'];
type Mode = GeminiToolConfig['functionCallingConfig']['mode'];

/** OpenAI tool-choice modes → Gemini `functionCallingConfig.mode` (https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes). */
const OPENAI_CHOICE_TO_GEMINI_MODE: Readonly<Record<'none' | 'auto' | 'required', Mode>> = { none: 'NONE', auto: 'AUTO', required: 'ANY' };

/** A tool choice reduced to a mode and, optionally, the functions it allows (each with its JSON path for errors). */
interface Choice {
  mode: Mode;
  allowed?: Array<{ name: string; param: string }>;
}

/**
 * OpenAI `tools`/`tool_choice` (or the deprecated `functions`/`function_call`) → Gemini `tools` + `toolConfig`.
 * All functions go into one `functionDeclarations` entry; their schemas are sent as `parametersJsonSchema` to models
 * that take JSON Schema and down-converted to the legacy `parameters` otherwise.
 */
export function openaiToolsToGemini(input: OpenAIToolsInput, options: { schemaDialect: SchemaDialect }): TranslatedTools {
  if (input.tools != null && input.functions != null) {
    throw new InvalidRequestError("Send either 'tools' or the deprecated 'functions', not both.", 'functions', 'invalid_value');
  }
  const warnings: string[] = [];
  const fromTools = toolDeclarations(input.tools, options.schemaDialect, warnings);
  const fromFunctions = legacyDeclarations(input.functions, options.schemaDialect, warnings);
  const choice =
    chooseTools('tool_choice', parseChoice('tool_choice', input.tool_choice), fromTools, warnings) ??
    chooseTools('function_call', parseChoice('function_call', input.function_call), fromFunctions, warnings);
  const declarations = fromTools ?? fromFunctions ?? [];
  const names = choice?.allowed?.map(({ name }) => name);
  // Gemini: allowedFunctionNames "should only be set when the Mode is ANY or VALIDATED"
  // (https://ai.google.dev/api/caching#FunctionCallingConfig), so an "auto" subset is sent as AUTO over only those functions.
  const kept = choice?.mode === 'AUTO' && names ? declarations.filter(({ name }) => names.includes(name)) : declarations;
  const toolConfig: GeminiToolConfig | undefined = choice && {
    functionCallingConfig: { mode: choice.mode, ...(choice.mode === 'ANY' && names ? { allowedFunctionNames: [...new Set(names)] } : {}) },
  };
  return { tools: kept.length > 0 ? [{ functionDeclarations: kept }] : [], ...(toolConfig ? { toolConfig } : {}), warnings };
}

function toolDeclarations(tools: unknown, dialect: SchemaDialect, warnings: string[]): GeminiFunctionDeclaration[] | undefined {
  if (tools == null) return undefined;
  const entries = parseWithParam(z.array(openAIToolSchema), tools, 'tools');
  const declarations = entries.map((entry, index) => {
    const param = `tools[${index}]`;
    if (entry.type !== 'function') {
      throw new InvalidRequestError(`Tool type '${entry.type}' is not supported by this sidecar.`, `${param}.type`, 'unsupported_parameter');
    }
    return declaration(parseWithParam(openAIFunctionSchema, entry.function, `${param}.function`), `${param}.function`, dialect, warnings);
  });
  return checked(declarations, 'tools', (index) => `tools[${index}].function.name`, warnings);
}

function legacyDeclarations(functions: unknown, dialect: SchemaDialect, warnings: string[]): GeminiFunctionDeclaration[] | undefined {
  if (functions == null) return undefined;
  const entries = parseWithParam(z.array(openAIFunctionSchema), functions, 'functions');
  const declarations = entries.map((entry, index) => declaration(entry, `functions[${index}]`, dialect, warnings));
  return checked(declarations, 'functions', (index) => `functions[${index}].name`, warnings);
}

function checked(
  declarations: GeminiFunctionDeclaration[],
  param: 'tools' | 'functions',
  nameParam: (index: number) => string,
  warnings: string[],
): GeminiFunctionDeclaration[] {
  if (declarations.length === 0) warnings.push(param);
  if (declarations.length > MAX_FUNCTION_DECLARATIONS) {
    throw new InvalidRequestError(`Gemini accepts at most ${MAX_FUNCTION_DECLARATIONS} functions; got ${declarations.length}.`, param, 'invalid_value');
  }
  declarations.forEach(({ name }, index) => {
    if (declarations.findIndex((other) => other.name === name) !== index) {
      throw new InvalidRequestError(`Function name '${name}' is declared more than once.`, nameParam(index), 'invalid_value');
    }
  });
  return declarations;
}

function declaration(fn: OpenAIFunction, param: string, dialect: SchemaDialect, warnings: string[]): GeminiFunctionDeclaration {
  if (!GEMINI_FUNCTION_NAME.test(fn.name)) {
    throw new InvalidRequestError(
      `Function name '${fn.name}' is not valid for Gemini: it must start with a letter or '_' and contain only letters, digits, '_', '.', ':' or '-' (at most 128 characters).`,
      `${param}.name`,
      'invalid_value',
    );
  }
  // Gemini has no per-function strict flag; its ANY/VALIDATED modes already keep calls to the schema.
  if (fn.strict === true) warnings.push(`${param}.strict`);
  return {
    name: fn.name,
    ...(fn.description != null ? { description: fn.description } : {}),
    ...(fn.parameters != null ? parametersFor(fn.parameters, `${param}.parameters`, dialect) : {}),
  };
}

function parametersFor(parameters: Record<string, unknown>, param: string, dialect: SchemaDialect): Partial<GeminiFunctionDeclaration> {
  const type = parameters.type;
  if (type !== undefined && type !== 'object' && !(Array.isArray(type) && type.includes('object'))) {
    throw new InvalidRequestError("Function parameters must be a JSON Schema of type 'object'.", param, 'invalid_value');
  }
  if (dialect === 'json-schema') return { parametersJsonSchema: jsonSchemaForGemini(parameters) };
  const converted = jsonSchemaToOpenAPISchema(type === undefined ? { ...parameters, type: 'object' } : parameters, param);
  if (converted.type !== 'object') {
    throw new InvalidRequestError("Function parameters must be a JSON Schema of type 'object'.", param, 'invalid_value');
  }
  // The legacy schema rejects an OBJECT without properties ("properties: should be non-empty for OBJECT type");
  // a function without parameters is declared by leaving `parameters` out.
  return converted.properties === undefined ? {} : { parameters: converted };
}

function parseChoice(param: 'tool_choice' | 'function_call', value: unknown): Choice | undefined {
  if (value == null) return undefined;
  if (param === 'function_call') {
    const call = parseWithParam(openAIFunctionCallSchema, value, param);
    return typeof call === 'string' ? { mode: OPENAI_CHOICE_TO_GEMINI_MODE[call] } : { mode: 'ANY', allowed: [{ name: call.name, param }] };
  }
  const choice = parseWithParam(openAIToolChoiceSchema, value, param);
  if (typeof choice === 'string') return { mode: OPENAI_CHOICE_TO_GEMINI_MODE[choice] };
  if (choice.type === 'function') return { mode: 'ANY', allowed: [{ name: choice.function.name, param }] };
  return {
    mode: OPENAI_CHOICE_TO_GEMINI_MODE[choice.allowed_tools.mode],
    allowed: choice.allowed_tools.tools.map(({ function: { name } }, index) => ({
      name,
      param: `${param}.allowed_tools.tools[${index}].function.name`,
    })),
  };
}

/** A choice without declarations is ignored when it cannot change the answer ("none", "auto") and refused otherwise. */
function chooseTools(
  param: 'tool_choice' | 'function_call',
  choice: Choice | undefined,
  declarations: GeminiFunctionDeclaration[] | undefined,
  warnings: string[],
): Choice | undefined {
  if (choice === undefined) return undefined;
  if (!declarations?.length) {
    if (choice.mode !== 'ANY' && choice.allowed === undefined) {
      warnings.push(param);
      return undefined;
    }
    const source = param === 'tool_choice' ? 'tools' : 'functions';
    throw new InvalidRequestError(`'${param}' needs '${source}' to choose from.`, param, 'invalid_value');
  }
  for (const { name, param: nameParam } of choice.allowed ?? []) {
    if (!declarations.some((declared) => declared.name === name)) {
      throw new InvalidRequestError(`'${param}' names function '${name}', which is not declared.`, nameParam, 'invalid_value');
    }
  }
  return choice;
}
