import { fieldViolationsError, invalidArgument, type GoogleErrorReply } from './google-error';
import { arrayField, field, isRecord, recordField, snakeCase, type JsonObject } from './request-fields';

/** One declared function: its name and the schema its arguments follow (`parametersJsonSchema` or `parameters`). */
export interface FunctionDeclarationView {
  name: string;
  schema?: JsonObject;
}

/** `functionCallingConfig.mode` values (https://ai.google.dev/api/caching#Mode). */
export type FunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

/** What the default behaviour needs to know about `tools` and `toolConfig`, after validation. */
export interface ToolsView {
  declarations: FunctionDeclarationView[];
  googleSearch: boolean;
  mode: FunctionCallingMode;
  allowedFunctionNames: string[];
}

/** Outcome of validating `tools` and `toolConfig`. */
export type ToolsResult = { ok: true; tools: ToolsView } | { ok: false; error: GoogleErrorReply };

const TOOL_FIELDS = ['functionDeclarations', 'googleSearch', 'codeExecution', 'urlContext'];
const KNOWN_TOOL_FIELDS = new Set(TOOL_FIELDS.flatMap((name) => [name, snakeCase(name)]));
const MODES = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);
// https://ai.google.dev/api/caching#FunctionDeclaration: "Must start with a letter or an underscore. Must be a-z, A-Z,
// 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 128."
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const FUNCTION_NAME_RULE =
  'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 128.';

function failure(error: GoogleErrorReply): ToolsResult {
  return { ok: false, error };
}

function declarationsOf(tool: JsonObject, toolIndex: number, violations: string[]): FunctionDeclarationView[] {
  return arrayField(tool, 'functionDeclarations').flatMap((declaration: unknown, index) => {
    const path = `GenerateContentRequest.tools[${toolIndex}].function_declarations[${index}]`;
    if (!isRecord(declaration)) {
      violations.push(`${path}: function declaration must be an object`);
      return [];
    }
    const name = declaration.name;
    if (typeof name !== 'string' || name === '') violations.push(`${path}.name: Name cannot be empty.`);
    else if (!FUNCTION_NAME.test(name)) violations.push(`${path}.name: ${FUNCTION_NAME_RULE}`);
    const jsonSchema = field(declaration, 'parametersJsonSchema');
    const parameters = declaration.parameters;
    if (jsonSchema !== undefined && parameters !== undefined) {
      violations.push(`${path}: parameters and parameters_json_schema cannot both be set.`);
    }
    const schema = jsonSchema ?? parameters;
    return typeof name === 'string' ? [{ name, ...(isRecord(schema) ? { schema } : {}) }] : [];
  });
}

function unknownToolFields(tools: unknown[]): string[] {
  return tools.flatMap((tool, index) =>
    isRecord(tool)
      ? Object.keys(tool)
          .filter((key) => !KNOWN_TOOL_FIELDS.has(key))
          .map((key) => `Invalid JSON payload received. Unknown name "${key}" at 'tools[${index}]': Cannot find field.`)
      : [`Invalid value at 'tools[${index}]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Tool), ${JSON.stringify(tool)}`],
  );
}

function callingConfig(toolConfig: unknown, declared: FunctionDeclarationView[]): ToolsResult | { mode: FunctionCallingMode; allowed: string[] } {
  const config = isRecord(toolConfig) ? recordField(toolConfig, 'functionCallingConfig') : undefined;
  const rawMode = config?.mode ?? 'AUTO';
  const mode = typeof rawMode === 'string' ? rawMode.toUpperCase() : '';
  if (!MODES.has(mode)) {
    return failure(
      invalidArgument(
        [`Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), ${JSON.stringify(rawMode)}`],
        ['tool_config.function_calling_config.mode'],
      ),
    );
  }
  const effective: FunctionCallingMode = mode === 'MODE_UNSPECIFIED' ? 'AUTO' : (mode as FunctionCallingMode);
  const allowed = config ? arrayField(config, 'allowedFunctionNames') : [];
  const path = 'GenerateContentRequest.tool_config.function_calling_config.allowed_function_names';
  // "should only be set when the Mode is ANY or VALIDATED" (https://ai.google.dev/api/caching#FunctionCallingConfig)
  if (allowed.length > 0 && effective !== 'ANY' && effective !== 'VALIDATED') {
    return failure(fieldViolationsError([`${path}: allowed_function_names can only be set when the mode is ANY or VALIDATED.`]));
  }
  const undeclared = allowed.filter((name) => !declared.some((declaration) => declaration.name === name));
  if (undeclared.length > 0) {
    return failure(fieldViolationsError(undeclared.map((name) => `${path}: function ${JSON.stringify(name)} is not declared in tools.`)));
  }
  return { mode: effective, allowed: allowed.filter((name): name is string => typeof name === 'string') };
}

/** Validates `tools[]` and `toolConfig` the way Google does and returns what the default answer needs. */
export function validateTools(body: JsonObject): ToolsResult {
  const rawTools = field(body, 'tools');
  if (rawTools !== undefined && !Array.isArray(rawTools)) {
    return failure(invalidArgument([`Invalid value at 'tools' (type.googleapis.com/google.ai.generativelanguage.v1beta.Tool), ${JSON.stringify(rawTools)}`], ['tools']));
  }
  const tools = rawTools ?? [];
  const unknown = unknownToolFields(tools);
  if (unknown.length > 0) return failure(invalidArgument(unknown));
  const violations: string[] = [];
  const declarations = tools.flatMap((tool, index) => (isRecord(tool) ? declarationsOf(tool, index, violations) : []));
  if (violations.length > 0) return failure(fieldViolationsError(violations));
  const config = callingConfig(field(body, 'toolConfig'), declarations);
  if ('ok' in config) return config;
  const googleSearch = tools.some((tool) => isRecord(tool) && field(tool, 'googleSearch') !== undefined);
  return { ok: true, tools: { declarations, googleSearch, mode: config.mode, allowedFunctionNames: config.allowed } };
}
